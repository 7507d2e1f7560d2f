// Validates Kubernetes manifests offline against the API's OpenAPI schemas (kubernetes-models), for every
// document of every .yaml file in the given directory. Prints one line per object; exits 1 on the first
// invalid or unknown object. Usage: node validate.mjs ../../deploy/k8s
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const dir = process.argv[2];
let failed = false;
for (const file of readdirSync(dir).filter(f => f.endsWith('.yaml')).sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
    if (doc.errors.length > 0) {
      console.log(`INVALID ${file}: YAML: ${doc.errors.map(e => e.message).join('; ')}`);
      failed = true;
      continue;
    }

    const object = doc.toJS();
    if (object === null) {
      continue;
    }

    const name = `${file}: ${object.kind}/${object.metadata?.name}`;
    // apps/v1 -> kubernetes-models/apps/v1/Deployment; v1 (the core group) -> kubernetes-models/v1/Service
    const module = `kubernetes-models/${object.apiVersion}/${object.kind}`;
    let Model;
    try {
      Model = (await import(module))[object.kind];
    } catch {
      console.log(`INVALID ${name}: no schema for ${object.apiVersion} ${object.kind}`);
      failed = true;
      continue;
    }

    try {
      new Model(object).validate();
      console.log(`ok ${name}`);
    } catch (e) {
      console.log(`INVALID ${name}: ${e.message}`);
      failed = true;
    }
  }
}

process.exit(failed ? 1 : 0);
