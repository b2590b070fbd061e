package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// FuzzAdmissionReview posts arbitrary bytes, as the body of an admission
// request, to every kind's webhook handler, as anything that reaches the
// webhook's port could. The cache holds the samples and a policy that
// denies unowned platforms. The contract: no panic (the handlers are built
// without controller-runtime's panic recovery, so the fuzzer sees one); an
// AdmissionReview comes back, which admits, rejects an undecodable request
// with 400, or denies with 403 naming the denying policy; never a 500; and
// the warnings stay within MaxWarnings (plus the count of the rest) of
// MaxWarningRunes each. The checked-in corpus
// (testdata/fuzz/FuzzAdmissionReview) holds a create and an update of every
// kind, a v1beta1 review, a denied platform and malformed bodies.
func FuzzAdmissionReview(f *testing.F) {
	handlers := fuzzHandlers(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for kind, h := range handlers {
			rec := httptest.NewRecorder()
			req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/validate", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(rec, req)
			var review admissionv1.AdmissionReview
			if err := json.Unmarshal(rec.Body.Bytes(), &review); err != nil || review.Response == nil {
				t.Fatalf("%s: the response is no AdmissionReview (%v): %q", kind, err, rec.Body.Bytes())
			}
			checkResponse(t, kind, review.Response)
		}
	})
}

// checkResponse holds one response to the contract of FuzzAdmissionReview.
func checkResponse(t *testing.T, kind orgv1.Kind, r *admissionv1.AdmissionResponse) {
	t.Helper()
	if !r.Allowed {
		switch {
		case r.Result == nil:
			t.Fatalf("%s: denied without a status", kind)
		case r.Result.Code == http.StatusBadRequest:
		case r.Result.Code == http.StatusForbidden && strings.Contains(r.Result.Message, `GovernancePolicy "owned"`):
		default:
			t.Fatalf("%s: denied with %d: %s", kind, r.Result.Code, r.Result.Message)
		}
	}
	if len(r.Warnings) > MaxWarnings+1 {
		t.Fatalf("%s: %d warnings", kind, len(r.Warnings))
	}
	for _, w := range r.Warnings {
		if utf8.RuneCountInString(w) > MaxWarningRunes {
			t.Fatalf("%s: a warning of %d runes: %q", kind, utf8.RuneCountInString(w), w)
		}
	}
}

// fuzzHandlers are the webhook handlers of every kind, as SetupWebhooks
// registers them but without panic recovery, over a cache holding the
// samples and a policy that denies unowned platforms.
func fuzzHandlers(f *testing.F) map[orgv1.Kind]http.Handler {
	scheme := runtime.NewScheme()
	if err := orgv1.AddToScheme(scheme); err != nil {
		f.Fatal(err)
	}
	deny := builders.MakeGovernancePolicy("owned", "acme").Enforcement(orgv1.EnforcementEnforce).Admission(orgv1.AdmissionDeny).
		Rules(builders.MakeRule("owned", orgv1.RulePlatformOwnership).Obj()).Obj()
	b := fake.NewClientBuilder().WithScheme(scheme).WithObjects(append(fixture(f), deny)...)
	if err := cachegraph.SetupIndexes(context.Background(), indexer{b}); err != nil {
		f.Fatal(err)
	}
	c := b.Build()
	a := &admitter{cache: c, live: c, engine: newEngine(f), now: func() time.Time { return now }}
	return map[orgv1.Kind]http.Handler{
		orgv1.KindOrganization:         handler[*orgv1.Organization](scheme, a, orgv1.KindOrganization),
		orgv1.KindTeam:                 handler[*orgv1.Team](scheme, a, orgv1.KindTeam),
		orgv1.KindPlatform:             handler[*orgv1.Platform](scheme, a, orgv1.KindPlatform),
		orgv1.KindSteeringCommittee:    handler[*orgv1.SteeringCommittee](scheme, a, orgv1.KindSteeringCommittee),
		orgv1.KindResponsibilityMatrix: handler[*orgv1.ResponsibilityMatrix](scheme, a, orgv1.KindResponsibilityMatrix),
		orgv1.KindGovernancePolicy:     handler[*orgv1.GovernancePolicy](scheme, a, orgv1.KindGovernancePolicy),
	}
}

func handler[P orgv1.Object](scheme *runtime.Scheme, a *admitter, kind orgv1.Kind) http.Handler {
	return admission.WithValidator[P](scheme, validator[P]{kind: kind, admitter: a})
}

// indexer registers cachegraph's field indexes with a fake client builder.
type indexer struct{ b *fake.ClientBuilder }

func (i indexer) IndexField(_ context.Context, obj client.Object, field string, extract client.IndexerFunc) error {
	i.b.WithIndex(obj, field, extract)
	return nil
}
