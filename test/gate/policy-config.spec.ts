import { expect } from "chai";
import { GateError } from "../../tools/gate/errors";
import { parsePolicyPackConfig, reconcilePolicyPackConfig } from "../../tools/gate/policy-config";
import type { PolicyInfo } from "../../tools/gate/types";

const policies: PolicyInfo[] = [
    { name: "a", description: "", enforcementLevel: "advisory" },
    {
        name: "b",
        description: "",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                days: { type: "integer", default: 30, minimum: 1 },
                exemptions: {
                    type: "array",
                    items: {
                        type: "object",
                        properties: { resource: { type: "string" }, expires: { type: "string", format: "date" } },
                        required: ["resource"],
                        additionalProperties: false,
                    },
                },
                mode: { type: "string", enum: ["x", "y"] },
            },
        },
    },
];

describe("gate policy pack config (the CLI's format and validation)", () => {
    it("parses level strings and property objects", () => {
        expect(
            parsePolicyPackConfig('{"a":"mandatory","b":{"enforcementLevel":"disabled","days":5}}', "f"),
        ).to.deep.equal({
            a: { enforcementLevel: "mandatory" },
            b: { enforcementLevel: "disabled", properties: { days: 5 } },
        });
        expect(parsePolicyPackConfig("  ", "f")).to.deep.equal({});
    });

    const bad: [string, RegExp][] = [
        ["{", /not JSON/],
        ["[]", /top level must be a JSON object/],
        ['{"a":"strict"}', /parsing enforcement level for "a": "strict" is not a valid enforcement level/],
        ['{"a":{"enforcementLevel":1}}', /is not a valid enforcement level; must be a string/],
        ['{"a":5}', /parsing "a": 5 is not a valid value; must be a string or object/],
    ];
    for (const [text, pattern] of bad) {
        it(`rejects ${text} naming the file`, () => {
            try {
                parsePolicyPackConfig(text, "conf.json");
                expect.fail("should throw");
            } catch (e) {
                expect(e).to.be.instanceOf(GateError);
                expect((e as Error).message)
                    .to.match(/^policy pack config conf\.json is invalid: /)
                    .and.match(pattern);
            }
        });
    }

    it("reconciles: schema defaults, then 'all', then per-policy", () => {
        const { config, errors } = reconcilePolicyPackConfig(
            policies,
            {},
            { all: { enforcementLevel: "mandatory" }, a: { enforcementLevel: "disabled" } },
        );
        expect(errors).to.deep.equal([]);
        expect(config.a!.enforcementLevel).to.equal("disabled");
        expect(config.b).to.deep.equal({ enforcementLevel: "mandatory", properties: { days: 30 } });
    });

    it("validates properties against the schema with gojsonschema's wording", () => {
        const { errors } = reconcilePolicyPackConfig(
            policies,
            {},
            {
                b: { properties: { days: "ten", mode: "z", exemptions: [{ reason: "r", expires: "soon" }] } },
            },
        );
        expect(errors).to.deep.equal([
            "b: days: Invalid type. Expected: integer, given: string",
            "b: exemptions.0.expires: Does not match format 'date'",
            "b: exemptions.0: Additional property reason is not allowed",
            "b: exemptions.0: resource is required",
            'b: mode: mode must be one of the following: "x", "y"',
        ]);
    });
});
