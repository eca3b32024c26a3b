import { expect } from "chai";
import { GateError } from "../../tools/gate/errors";
import { runGate } from "../../tools/gate/index";
import { readStackExport } from "../../tools/gate/stack-export";
import { SECRET_SIG, SECRET_SIG_KEY, WIRE_UNKNOWN } from "../../tools/gate/types";
import { exportFile, pack, tempFile } from "./fixtures";

describe("gate stack exports (pulumi policy analyze --file)", () => {
    it("reads resources, project and stack from a version-3 export", () => {
        const exp = readStackExport(exportFile("basic.json"));
        expect(exp.project).to.equal("exported");
        expect(exp.stack).to.equal("prod");
        expect(exp.resources.map((r) => r.name)).to.deep.equal([
            "exported-prod",
            "default_7_48_0",
            "public-bucket",
            "linked",
            "echo",
        ]);
        const linked = exp.resources[3]!;
        expect(linked.propertyDependencies.bucket).to.deep.equal([exp.resources[2]!.urn]);
    });

    it("decodes a plaintext secret to its value and marks a ciphertext one unreadable (unknown), never a pass", () => {
        const exp = readStackExport(exportFile("basic.json"));
        const echo = exp.resources[4]!;
        expect(echo.inputs.shown).to.deep.equal({ [SECRET_SIG_KEY]: SECRET_SIG, value: "visible-secret" });
        expect(echo.inputs.hidden).to.deep.equal({ [SECRET_SIG_KEY]: SECRET_SIG, value: WIRE_UNKNOWN });
        expect(exp.unreadableSecrets).to.equal(1);
    });

    it("judges inputs with Analyze and drops internal keys as the engine does", async () => {
        const result = await runGate({
            stackExport: exportFile("basic.json"),
            stack: "dev",
            policyPacks: [pack("reporting")],
            policyPackConfigs: [],
            mode: "resolved",
        });
        expect(result.mode).to.equal("stack-export");
        const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
        expect(mandatory.map((v) => [v.policyName, v.resourceName])).to.deep.equal([
            ["fixture-public-bucket", "public-bucket"],
        ]);
        expect(mandatory[0]!.location).to.deep.equal({ file: exportFile("basic.json"), line: 1 });
        const echo = result.violations.find((v) => v.policyName === "fixture-echo")!;
        expect(echo.message).to.equal('echo {"hidden":"<UnknownValueError>","shown":"visible-secret"} provider=');
        expect(result.warnings?.[0]).to.match(/1 secret value\(s\) are encrypted/);
    });

    const malformed: [string, string, RegExp][] = [
        ["not JSON", "{", /is not JSON/],
        ["no version", "{}", /has no "version"/],
        ["an old version", '{"version":2,"deployment":{}}', /deployment version 2/],
        ["resources not a list", '{"version":3,"deployment":{"resources":{}}}', /deployment.resources is not a list/],
        [
            "a resource without a URN",
            '{"version":3,"deployment":{"resources":[{"type":"x"}]}}',
            /resource #0 has no urn/,
        ],
    ];
    for (const [what, content, pattern] of malformed) {
        it(`rejects ${what} with a GateError`, () => {
            const f = tempFile("export.json", content);
            expect(() => readStackExport(f)).to.throw(GateError, pattern);
        });
    }

    it("rejects a missing file", () => {
        expect(() => readStackExport("/nonexistent/export.json")).to.throw(GateError, /stack export not found/);
    });
});
