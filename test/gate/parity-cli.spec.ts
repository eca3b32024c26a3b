/**
 * The parity behaviours as a CI job sees them through `npm run gate`: the violation block
 * byte for byte, config errors and pack load failures on stderr with exit 2, and a pack of
 * one's own that reads the stack's config and name (invalid_policy and TestConfig of
 * pulumi-policy's integration suite; a new user's first pack).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gate, parity, ROOT } from "./fixtures";
import { expectParityFailure } from "./parity-run";

const scenarioArgs = (name: string, scenario: number) => [
    "--program",
    parity(name).program,
    "--policy-pack",
    parity(name).pack,
    "--config",
    `scenario=${scenario}`,
];

describe("parity: packs @pulumi/policy refuses to serve (invalid_policy)", function () {
    const cases: [number, string][] = [
        [1, 'Invalid policy name "all". "all" is a reserved name.'],
        [2, "enforcementLevel cannot be explicitly specified in properties."],
        [3, '"enforcementLevel" cannot be specified in required.'],
    ];
    for (const [scenario, message] of cases) {
        it(`scenario ${scenario}: fails to start with the SDK's message`, async () => {
            await expectParityFailure("invalid-policy", { scenario }, message);
        });
    }
    it("through the CLI: the SDK's message on stderr, exit 2", () => {
        const r = gate(...scenarioArgs("invalid-policy", 1));
        expect(r.code).to.equal(2);
        expect(r.stderr).to.include('Invalid policy name "all". "all" is a reserved name.');
        expect(r.stdout).to.equal("");
    });
});

describe("parity: through `npm run gate`", function () {
    it("config errors: the CLI's lines on stderr, exit 2, no report", () => {
        const r = gate(...scenarioArgs("config", 6));
        expect(r.code).to.equal(2);
        expect(r.stderr).to.include(
            [
                "error: validating policy config: config-pack 0.0.1  resource-policy: foo is required",
                "error: validating policy config: config-pack 0.0.1  stack-policy: foo is required",
            ].join("\n"),
        );
        expect(r.stdout).to.equal("");
    });

    it("a --policy-pack-config file's errors name the file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parity-cli-"));
        const file = path.join(dir, "policy-config.json");
        fs.writeFileSync(file, JSON.stringify({ "resource-policy": { foo: 1 }, "stack-policy": { foo: "ok" } }));
        try {
            const r = gate(...scenarioArgs("config", 12), "--policy-pack-config", file);
            expect(r.code).to.equal(2);
            expect(r.stderr).to.include(`validating policy config (${file})`);
            expect(r.stderr).to.include(
                "error: validating policy config: config-pack 0.0.1  resource-policy: foo: Invalid type. Expected: string, given: integer\n",
            );
            expect(r.stderr).not.to.include("stack-policy: foo");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("a pack of one's own reading `new pulumi.Config()` and `pulumi.getStack()`", function () {
        // Relative to the repository root, as a user types them.
        const own = [
            "--program",
            path.relative(ROOT, parity("own-pack").program),
            "--policy-pack",
            path.relative(ROOT, parity("own-pack").pack),
        ];

        it("stack prod (strict in its config): the CLI's violation block, then the gate's lines, exit 1", () => {
            const r = gate(...own, "--stack", "prod");
            expect(r.code, r.stderr).to.equal(1);
            expect(r.stdout).to.include(
                [
                    "Policies:",
                    "    ❌ own-pack@v1.0.0 (local: test/fixtures/parity/own-pack/policy-pack)",
                    "        - [mandatory]  owner-tag  (pulumi-nodejs:dynamic:Resource: orphan)",
                    "          Every resource carries the owner tag 'platform-team'.",
                    "          'orphan' has no owner tag (stack prod).",
                    "          urn: urn:pulumi:prod::own-pack-demo::pulumi-nodejs:dynamic:Resource::orphan",
                    "          at: ",
                ].join("\n"),
            );
            expect(r.stdout).not.to.include("owned)");
        });

        it("stack dev (not strict): the same finding, advisory, exit 0", () => {
            const r = gate(...own, "--stack", "dev");
            expect(r.code, r.stderr).to.equal(0);
            expect(r.stdout).to.include(
                "        - [advisory]  owner-tag  (pulumi-nodejs:dynamic:Resource: orphan)\n" +
                    "          Every resource carries the owner tag 'platform-team'.\n" +
                    "          'orphan' has no owner tag (stack dev).\n",
            );
        });
    });
});
