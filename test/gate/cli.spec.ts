import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "../../tools/gate/cli";
import { GateError } from "../../tools/gate/errors";
import { exportFile, gate, pack, program, tempDir } from "./fixtures";

/** Runs the gate as `npm run gate` does, in a child process, and returns what a CI job sees. */
const reporting = ["--policy-pack", pack("reporting")];

describe("gate CLI: flags", () => {
    it("defaults: program '.', stack dev, pack ./policies, resolved, text", () => {
        expect(parseArgs([])).to.deep.include({
            program: ".",
            stack: "dev",
            policyPacks: ["./policies"],
            mode: "resolved",
            format: "text",
        });
    });
    it("repeats --policy-pack and --policy-pack-config in order, accepts --flag=value", () => {
        const o = parseArgs([
            "--policy-pack",
            "a",
            "--policy-pack-config",
            "a.json",
            "--policy-pack=b",
            "--format=sarif",
            "--timeout",
            "5",
        ]);
        expect(o.policyPacks).to.deep.equal(["a", "b"]);
        expect(o.policyPackConfigs).to.deep.equal(["a.json"]);
        expect(o.format).to.equal("sarif");
        expect(o.timeoutMs).to.equal(5000);
    });
    const bad: [string[], RegExp][] = [
        [["--mode", "fast"], /--mode must be resolved or first-preview/],
        [["--format", "html"], /--format must be one of text, json, sarif, junit/],
        [["--timeout", "-1"], /--timeout must be a positive number/],
        [["--stack"], /--stack needs a value/],
        [["--bogus"], /unknown argument "--bogus"/],
        [["--program", "p", "--stack-export", "e.json"], /exclude each other/],
        [["--stack-export", "e.json", "--mode", "first-preview"], /applies to programs/],
    ];
    for (const [args, pattern] of bad) {
        it(`rejects ${args.join(" ")}`, () => expect(() => parseArgs(args)).to.throw(GateError, pattern));
    }
});

describe("gate CLI: exit codes and reports", function () {
    it("0: no mandatory violation (program, resolved)", () => {
        const r = gate("--program", program("basic"), ...reporting);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.contain("fixture-reporting@v1.2.3").and.contain("PASSED");
    });

    it("1: a mandatory violation (program with another stack's config, first-preview)", () => {
        const r = gate("--program", program("basic"), "--stack", "public", "--mode", "first-preview", ...reporting);
        expect(r.code, r.stderr).to.equal(1);
        expect(r.stdout).to.contain("fixture-public-bucket").and.contain("mandatory");
    });

    it("1 from a stack export, with the JSON report written to --output", () => {
        const out = path.join(tempDir(), "report.json");
        const r = gate("--stack-export", exportFile("basic.json"), ...reporting, "--format", "json", "--output", out);
        expect(r.code, r.stderr).to.equal(1);
        expect(r.stdout).to.equal("");
        const report = JSON.parse(fs.readFileSync(out, "utf8"));
        expect(
            report.violations.some(
                (v: { policyName: string; enforcementLevel: string }) =>
                    v.policyName === "fixture-public-bucket" && v.enforcementLevel === "mandatory",
            ),
        ).to.equal(true);
    });

    it("sarif and junit reports parse", () => {
        const sarif = gate("--stack-export", exportFile("basic.json"), ...reporting, "--format", "sarif");
        const doc = JSON.parse(sarif.stdout);
        expect(doc.version).to.equal("2.1.0");
        expect(doc.runs[0].results.length).to.be.greaterThan(0);
        const junit = gate("--stack-export", exportFile("basic.json"), ...reporting, "--format", "junit");
        expect(junit.stdout)
            .to.match(/^<\?xml/)
            .and.contain("<testsuite")
            .and.contain("<failure");
    });

    it("the pack config file applies: a level turned to disabled clears the violation (exit 0)", () => {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, "c.json"), JSON.stringify({ "fixture-public-bucket": "disabled" }));
        const r = gate(
            "--stack-export",
            exportFile("basic.json"),
            ...reporting,
            "--policy-pack-config",
            path.join(dir, "c.json"),
        );
        expect(r.code, r.stderr).to.equal(0);
    });

    const failures: [string, () => string[], RegExp][] = [
        [
            "the program threw",
            () => ["--program", program("throws"), ...reporting],
            /failed at test\/fixtures\/programs\/throws\/index.ts:5: the program threw: .*bucketName is required/s,
        ],
        [
            "the pack failed to start",
            () => ["--stack-export", exportFile("basic.json"), "--policy-pack", pack("start-fail")],
            /failed to start/,
        ],
        [
            "the pack crashed",
            () => ["--stack-export", exportFile("basic.json"), "--policy-pack", pack("crashing")],
            /failed in analyze.*boom/s,
        ],
        [
            "the pack did not answer",
            () => ["--stack-export", exportFile("basic.json"), "--policy-pack", pack("hanging"), "--timeout", "2"],
            /did not answer analyze within 2 s/,
        ],
        ["a missing export", () => ["--stack-export", "/nonexistent.json", ...reporting], /stack export not found/],
        ["a missing program", () => ["--program", "/nonexistent-program", ...reporting], /program folder not found/],
        [
            "a missing pack",
            () => ["--stack-export", exportFile("basic.json"), "--policy-pack", "/nonexistent-pack"],
            /PulumiPolicy.yaml not found/,
        ],
        [
            "a missing config file",
            () => [
                "--stack-export",
                exportFile("basic.json"),
                ...reporting,
                "--policy-pack-config",
                "/nonexistent.json",
            ],
            /config file not found/,
        ],
        [
            "a config file that breaks the schema",
            () => {
                const f = path.join(tempDir(), "c.json");
                fs.writeFileSync(f, JSON.stringify({ "fixture-configurable": { maxCount: "lots" } }));
                return ["--stack-export", exportFile("basic.json"), ...reporting, "--policy-pack-config", f];
            },
            /\nerror: validating policy config: fixture-reporting 1\.2\.3  fixture-configurable: maxCount: Invalid type/,
        ],
        [
            "more configs than packs",
            () => [
                "--stack-export",
                exportFile("basic.json"),
                ...reporting,
                "--policy-pack-config",
                "a.json",
                "--policy-pack-config",
                "b.json",
            ],
            /2 --policy-pack-config files for 1 --policy-pack/,
        ],
        ["a bad flag", () => ["--format", "pdf"], /--format must be one of/],
        [
            "an --output folder that does not exist",
            () => ["--stack-export", exportFile("basic.json"), ...reporting, "--output", "/nonexistent/dir/r.txt"],
            /--output folder does not exist/,
        ],
    ];
    for (const [what, args, pattern] of failures) {
        it(`2: ${what}, with one message naming the cause and the fix`, () => {
            const r = gate(...args());
            expect(r.code, r.stdout + r.stderr).to.equal(2);
            expect(r.stderr)
                .to.match(/^gate: /)
                .and.match(pattern)
                .and.match(/\nfix: .+\n$/);
            expect(r.stdout).to.equal("");
        });
    }

    it("--help prints the flags and exits 0", () => {
        const r = gate("--help");
        expect(r.code).to.equal(0);
        expect(r.stdout).to.contain("--policy-pack-config FILE").and.contain("--stack-export FILE");
    });
});
