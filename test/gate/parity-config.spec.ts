/**
 * pulumi-policy's config scenarios, rewritten (integration_test.go, TestConfig): the config a
 * policy gets (file, schema defaults, the pack's initial config), and the errors the CLI
 * prints, in its wording and order, when the config breaks a schema (exit 2, nothing runs).
 */
import { expect } from "chai";
import { expectParityFailure, reuseProgramRuns, runParity } from "./parity-run";

const both = (props: Record<string, unknown>) => ({ "resource-policy": props, "stack-policy": props });
/** The CLI's lines for an error of both policies (pkg/engine/update.go, loadPolicyPlugins). */
const lines = (...errors: string[]) =>
    errors
        .flatMap((e) =>
            ["resource-policy", "stack-policy"].map(
                (p) => `error: validating policy config: config-pack 0.0.1  ${p}: ${e}`,
            ),
        )
        .sort();

describe("parity: policy config", function () {
    let restore: () => void;
    before(() => {
        restore = reuseProgramRuns();
    });
    after(() => restore());

    const quiet: [number, string, Record<string, unknown> | undefined][] = [
        [1, "a string from the file", both({ foo: "from the file" })],
        [2, "a string default from the schema", undefined],
        [3, "a number default from the schema", undefined],
        [4, "the file's value over the default", both({ foo: "from the file" })],
        [5, "a default satisfies required", undefined],
        [16, "a whole number", both({ foo: 12 })],
        [17, "a fraction", both({ foo: 2.5 })],
        [18, "an integer", both({ foo: 12 })],
        [19, "true", both({ foo: true })],
        [20, "false", both({ foo: false })],
        [21, "an object", both({ foo: { nested: "value" } })],
        [22, "an array", both({ foo: ["x", "y"] })],
        [23, "null", both({ foo: null })],
        [24, "the pack's initial config", undefined],
        [25, "the file's value over the initial config", both({ foo: "from the file" })],
    ];
    for (const [scenario, what, packConfig] of quiet) {
        it(`scenario ${scenario}: ${what} reaches getConfig()`, async () => {
            const { result } = await runParity("config", { scenario, packConfig });
            expect(result.violations).to.deep.equal([]);
        });
    }

    const failing: [number, string, Record<string, unknown> | undefined, string[]][] = [
        [6, "a required property is missing", undefined, ["foo is required"]],
        [7, "a default of the wrong type", undefined, ["foo: Invalid type. Expected: string, given: integer"]],
        [8, "a default too long", undefined, ["foo: String length must be less than or equal to 4"]],
        [9, "a default too short", undefined, ["foo: String length must be greater than or equal to 40"]],
        [10, "a default outside the enum", undefined, ['foo: foo must be one of the following: "north", "south"']],
        [11, "a default other than the const", undefined, ['foo: foo does not match: "fixed"']],
        [12, "a value of the wrong type", both({ foo: 1 }), ["foo: Invalid type. Expected: string, given: integer"]],
        [
            13,
            "a value outside the enum",
            both({ foo: "west" }),
            ['foo: foo must be one of the following: "north", "south"'],
        ],
        [14, "a value other than the const", both({ foo: "moved" }), ['foo: foo does not match: "fixed"']],
        [
            15,
            "two errors per policy, sorted",
            both({ foo: "this is too long", bar: 3.14 }),
            [
                "bar: Invalid type. Expected: integer, given: number",
                "foo: String length must be less than or equal to 4",
            ],
        ],
    ];
    for (const [scenario, what, packConfig, errors] of failing) {
        it(`scenario ${scenario}: ${what}: the CLI's error lines, exit 2`, async () => {
            const e = await expectParityFailure("config", { scenario, packConfig }, "validating policy config");
            const printed = e.message.split("\n").filter((l) => l.startsWith("error: "));
            expect(printed).to.deep.equal(lines(...errors));
        });
    }
});
