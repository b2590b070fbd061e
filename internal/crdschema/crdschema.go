// Package crdschema validates orgplane objects offline as the apiserver
// validates a create: against the CRDs of config/crd/bases (embedded, so
// never a stale copy), with the apiextensions-apiserver's own code. The
// sequence is that of its custom resource handler: drop the nulls of
// non-nullable fields and apply the CRDs' defaults (as the handler's decoder
// does), then the checks of the customresource strategy's Validate: object
// metadata (name, namespace, labels, annotations and their size), the
// OpenAPI schema (types, enums, bounds, patterns, formats), embedded
// objects, list-map and list-set uniqueness, and, when nothing blocking came
// before, the x-kubernetes-validations CEL rules within the apiserver's cost
// budget. Schemas and CEL programs are compiled once, on first use. A
// prover (prove.go) answers first for the schema and the rules: what it
// proves valid skips that code, which is several times its cost.
package crdschema

import (
	"context"
	"fmt"
	"io/fs"
	"sync"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/api/operation"
	metavalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/features"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	sigsyaml "sigs.k8s.io/yaml"

	crds "github.com/orgplane/orgplane/config/crd/bases"
)

// validator is what the apiserver builds for one served version of a CRD.
type validator struct {
	namespaced bool
	structural *structuralschema.Structural
	schema     apiservervalidation.SchemaValidator
	cel        *cel.Validator
	prover     *prover
}

var (
	loadOnce   sync.Once
	validators map[schema.GroupVersionKind]*validator
	loadErr    error
)

// load compiles the validators of every embedded CRD, once.
func load() (map[schema.GroupVersionKind]*validator, error) {
	loadOnce.Do(func() { validators, loadErr = compile(crds.FS) })
	return validators, loadErr
}

func compile(fsys fs.FS) (map[schema.GroupVersionKind]*validator, error) {
	files, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	out := map[schema.GroupVersionKind]*validator{}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := sigsyaml.UnmarshalStrict(data, &crd); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, v := range crd.Spec.Versions {
			if !v.Served || v.Schema == nil {
				continue
			}
			val, err := compileVersion(v.Schema, crd.Spec.Scope == apiextensionsv1.NamespaceScoped)
			if err != nil {
				return nil, fmt.Errorf("%s: version %s: %w", f, v.Name, err)
			}
			out[schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}] = val
		}
	}
	return out, nil
}

// compileVersion builds a version's validators as the apiserver's
// customresource handler does (crdInfo).
func compileVersion(v1 *apiextensionsv1.CustomResourceValidation, namespaced bool) (*validator, error) {
	internal := &apiextensionsinternal.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(v1, internal, nil); err != nil {
		return nil, err
	}
	s, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, err
	}
	s = s.DeepCopy()
	if err := structuraldefaulting.PruneDefaults(s); err != nil {
		return nil, err
	}
	sv, _, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, err
	}
	pr, err := newProver(s)
	if err != nil {
		return nil, err
	}
	return &validator{
		namespaced: namespaced,
		structural: s,
		schema:     sv,
		cel:        cel.NewValidator(s, true, celconfig.PerCallLimit),
		prover:     pr,
	}, nil
}

// Validate judges obj, the JSON form of one object as written (a map from
// JSON decoding, int64 numbers), as the apiserver would judge its create;
// it first applies the CRD's defaults to obj in place. The errors' fields are
// the apiserver's (spec.members[1], metadata.name). An object of a kind the
// CRDs do not define is an error at kind.
func Validate(ctx context.Context, obj map[string]any) field.ErrorList {
	v, errs := decoded(obj)
	if v == nil {
		return errs
	}
	// The customresource strategy's Validate, unless the prover finds the
	// object certainly valid (the metadata always by the apiserver's code).
	metaErrs := v.validateObjectMeta(ctx, obj)
	if len(metaErrs) == 0 && v.prover.valid(obj, v.structural, true) {
		return nil
	}
	return v.reference(ctx, obj, metaErrs)
}

// reference is the customresource strategy's Validate of obj, defaulted,
// whose metadata's errors are metaErrs.
func (v *validator) reference(ctx context.Context, obj map[string]any, metaErrs field.ErrorList) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, metaErrs...)
	errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj, v.schema)...)
	errs = append(errs, schemaobjectmeta.Validate(ctx, nil, obj, v.structural, false)...)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, v.structural, obj)...)
	if blocked := blockingErr(errs); blocked != nil {
		errs = append(errs, blocked)
	} else {
		celErrs, _ := v.cel.Validate(ctx, nil, v.structural, obj, nil, celconfig.RuntimeCELCostBudget)
		errs = append(errs, celErrs...)
	}
	return errs
}

// decoded is the validator of obj's kind, obj being made what the
// handler's decoder makes of it: nulls the schema does not allow dropped,
// then defaults applied. Without one, the errors say why.
func decoded(obj map[string]any) (*validator, field.ErrorList) {
	vs, err := load()
	if err != nil {
		return nil, field.ErrorList{field.InternalError(nil, fmt.Errorf("embedded CRDs: %w", err))}
	}
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, field.ErrorList{field.Invalid(field.NewPath("apiVersion"), apiVersion, err.Error())}
	}
	v := vs[gv.WithKind(kind)]
	if v == nil {
		return nil, field.ErrorList{field.NotSupported[string](field.NewPath("kind"), kind, nil)}
	}
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(obj, v.structural)
	structuraldefaulting.Default(obj, v.structural)
	return v, nil
}

// validateObjectMeta is the customresource validator's
// validateObjectMetaDeclaratively for a create.
func (v *validator) validateObjectMeta(ctx context.Context, obj map[string]any) field.ErrorList {
	meta := &metav1.ObjectMeta{}
	if raw, ok := obj["metadata"]; ok && raw != nil {
		m, ok := raw.(map[string]any)
		if !ok {
			return field.ErrorList{field.Invalid(field.NewPath("metadata"), raw, fmt.Sprintf("expected map[string]interface{}, got %T", raw))}
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, meta); err != nil {
			return field.ErrorList{field.Invalid(field.NewPath("metadata"), raw, err.Error())}
		}
	}
	return metavalidation.ValidateObjectMetaDeclaratively(ctx, operation.Create, meta, nil, v.namespaced,
		metavalidation.NameIsDNSSubdomain, field.NewPath("metadata"), utilfeature.DefaultFeatureGate.Enabled(features.DeclarativeValidationBeta))
}

// blockingErr is the customresource strategy's hasBlockingErr (unexported
// there): after errors of these types the apiserver does not run the CEL
// rules, which could not rely on the schema, and says so.
func blockingErr(errs field.ErrorList) *field.Error {
	for _, err := range errs {
		switch err.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return field.Invalid(nil, nil, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation")
		}
	}
	return nil
}
