// @ts-check
/**
 * The pack's `main`: what `pulumi preview --policy-pack ./policies`, `pulumi policy publish`
 * and the offline gate load. It runs the compiled pack in dist/ (build.js) only when that
 * build was made from exactly the sources beside it (content hashes, not file times), so an
 * edited rule can never be enforced in its old form: a stale or missing build refuses to
 * start, naming the fix.
 *
 * A throw here fails the pack's start: @pulumi/pulumi's policy host (cmd/run-policy-pack/run.js,
 * its uncaught-exception handler) logs a RunError's message without a stack and exits non-zero,
 * and the CLI reports the analyzer as failed to start; the gate reports "policy pack ... failed
 * to start" with the same message (exit 2).
 */
"use strict";
const { OUT, staleness } = require("./build");

const stale = staleness(__dirname);
if (stale !== undefined) {
    const { RunError } = require("@pulumi/pulumi/errors");
    throw new RunError(
        `${stale}. Run \`npm run build\` (at the repository root or in ${__dirname}) ` +
            "and try again: a pack never enforces rules older than its sources.",
    );
}
// Before the pack, and only on the @pulumi/policy build they were verified against
// (lib/sdk-guard.ts): one deserialization per resource per call instead of one per policy
// (lib/sdk-memo.ts), one description of the resources per Analyze and AnalyzeStack call instead of one
// per policy (lib/sdk-analyzer.ts).
require(`./${OUT}/lib/sdk-memo.js`).installDeserializationMemo();
require(`./${OUT}/lib/sdk-analyzer.js`).installSharedAnalyzer();
require(`./${OUT}/index.js`);
