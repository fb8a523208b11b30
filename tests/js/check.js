// Validate ASL files with the validators teams already run: asl-validator and the AWS
// Toolkit's language service (amazon-states-language-service). Prints each file either rejects,
// with their messages; exits 1 if any. Used by tests/py/test_outside_validators.py.
const fs = require('fs');
const { getLanguageService, TextDocument } = require('amazon-states-language-service');
const aslValidator = require('asl-validator');
(async () => {
  let failed = 0;
  for (const file of process.argv.slice(2)) {
    const text = fs.readFileSync(file, 'utf8');
    const r = aslValidator(JSON.parse(text));
    const v = r.isValid !== undefined ? r : await r;
    const ls = getLanguageService({});
    const doc = TextDocument.create(file, 'asl', 0, text);
    const json = ls.parseJSONDocument(doc);
    const diags = (await ls.doValidation(doc, json)).filter(d => d.severity === 1);
    if (!v.isValid || diags.length) {
      failed++;
      console.log(file, JSON.stringify(v.errors || []), JSON.stringify(diags.map(d => d.message)));
    }
  }
  process.exit(failed ? 1 : 0);
})();
