// Validates Backstage catalog entities read from standard input (a
// multi-document catalog-info.yaml) with Backstage's own code, as the export
// tests do with the output of `kubectl org export -o backstage`:
//
//   node hack/backstage/validate.mjs < catalog-info.yaml
//
// Each document is parsed with the YAML library the catalog reads locations
// with, then checked as the catalog's processing does: the default entity
// policies (namespace default, no foreign root fields, field formats of
// names, labels and annotations, the envelope schema) and the kind's own
// schema validator (Group, User, System, Domain, ...). On top, every
// relation the entities declare (spec.owner, spec.domain, spec.system,
// spec.parent, spec.children, spec.members, spec.memberOf) is parsed with
// parseEntityRef as the catalog does and must name an entity of the input,
// and no two entities may share a reference (kind:namespace/name, compared
// case-insensitively as the catalog does).
//
// Prints {"entities": N, "errors": [...]} and exits 1 when there is any
// error, 2 when the packages are not installed. The packages
// (package.json, package-lock.json beside this file) are installed into
// bin/backstage by hack/test-tools.sh (`make test-tools`).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../bin/backstage/package.json', import.meta.url));

function load(name) {
  try {
    return require(name);
  } catch (err) {
    console.error(`validate.mjs: ${name} is not installed (run make test-tools): ${err.message}`);
    process.exit(2);
  }
}

const model = load('@backstage/catalog-model');
const YAML = load('yaml');

const policy = model.EntityPolicies.allOf([
  new model.DefaultNamespaceEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.FieldFormatEntityPolicy(),
  new model.SchemaValidEntityPolicy(),
]);
const kindValidators = [
  model.apiEntityV1alpha1Validator,
  model.componentEntityV1alpha1Validator,
  model.domainEntityV1alpha1Validator,
  model.groupEntityV1alpha1Validator,
  model.locationEntityV1alpha1Validator,
  model.resourceEntityV1alpha1Validator,
  model.systemEntityV1alpha1Validator,
  model.userEntityV1alpha1Validator,
];

// The relations each field declares, with the kind a bare reference
// defaults to (as the catalog's BuiltinKindsEntityProcessor reads them).
const relationFields = [
  ['owner', 'Group'],
  ['domain', 'Domain'],
  ['system', 'System'],
  ['parent', 'Group'],
  ['children', 'Group'],
  ['members', 'User'],
  ['memberOf', 'Group'],
];

const key = (r) => `${r.kind}:${r.namespace}/${r.name}`.toLocaleLowerCase('en-US');

const errors = [];
const entities = [];
const docs = YAML.parseAllDocuments(readFileSync(0, 'utf8'));
for (const [i, doc] of docs.entries()) {
  const where = `document ${i + 1}`;
  for (const e of doc.errors) errors.push(`${where}: yaml: ${e.message}`);
  const entity = doc.toJS();
  if (entity === null || entity === undefined) continue;
  let out;
  try {
    out = await policy.enforce(entity);
  } catch (err) {
    errors.push(`${where}: ${err.message}`);
    continue;
  }
  const what = `${out.kind} ${out.metadata.namespace}/${out.metadata.name}`;
  let known = false;
  for (const v of kindValidators) {
    try {
      known ||= v.check(out);
    } catch (err) {
      errors.push(`${what}: ${err.message}`);
      known = true;
    }
  }
  if (!known) errors.push(`${what}: no kind validator accepts kind ${out.kind} of ${out.apiVersion}`);
  entities.push(out);
}

const seen = new Map();
for (const e of entities) {
  const k = key({ kind: e.kind, namespace: e.metadata.namespace, name: e.metadata.name });
  if (seen.has(k)) errors.push(`${k}: defined twice`);
  seen.set(k, e);
}
for (const e of entities) {
  const what = key({ kind: e.kind, namespace: e.metadata.namespace, name: e.metadata.name });
  for (const [field, defaultKind] of relationFields) {
    const v = e.spec?.[field];
    if (v === undefined) continue;
    for (const ref of Array.isArray(v) ? v : [v]) {
      try {
        const target = model.parseEntityRef(ref, { defaultKind, defaultNamespace: e.metadata.namespace });
        if (!seen.has(key(target))) errors.push(`${what}: spec.${field}: ${ref} names no entity of the input`);
      } catch (err) {
        errors.push(`${what}: spec.${field}: ${err.message}`);
      }
    }
  }
}

console.log(JSON.stringify({ entities: entities.length, errors }, null, 2));
process.exit(errors.length > 0 ? 1 : 0);
