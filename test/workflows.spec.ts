/**
 * What users copy: the GitHub workflows (.github/workflows) and docs/ADOPTING.md. The project's
 * own CI cannot run the workflows, so this spec parses them and checks what makes them right:
 * triggers, permissions, that the gate job runs the README's commands with flags the gate
 * accepts, that the report survives a failed gate, that code-scanning upload happens in a
 * separate workflow_run job, that the real preview only runs where AWS access is configured,
 * that every action is pinned to a major version and given only inputs it declares. Of the
 * adoption guide it checks that its gate commands and its config example are ones the gate reads.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { parseArgs } from "../tools/gate/cli";
import { parsePolicyPackConfig } from "../tools/gate/policy-config";

const ROOT = path.join(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

interface Step {
    name?: string;
    id?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    "continue-on-error"?: unknown;
}

interface Job {
    if?: string;
    "runs-on"?: string;
    permissions?: Record<string, string> | string;
    env?: Record<string, unknown>;
    steps: Step[];
}

interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    jobs: Record<string, Job>;
}

function load(file: string): Workflow {
    return yaml.load(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
}

const onlyJob = (w: Workflow): Job => {
    const jobs = Object.values(w.jobs);
    expect(jobs, `${w.name}: one job`).to.have.length(1);
    return jobs[0]!;
};

const stepUsing = (job: Job, action: string): Step[] => job.steps.filter((s) => s.uses?.split("@")[0] === action);

/** `npm run gate -- <args>` lines of a step's script, as argument lists. */
function gateInvocations(job: Job): { step: Step; args: string[] }[] {
    const out: { step: Step; args: string[] }[] = [];
    for (const step of job.steps) {
        for (const line of (step.run ?? "").split("\n")) {
            const m = /^\s*npm run gate(?: -- (.*))?$/.exec(line);
            if (m) out.push({ step, args: (m[1] ?? "").split(/\s+/).filter(Boolean) });
        }
    }
    return out;
}

/**
 * Inputs each action declares (its action.yml at the pinned major, and its README), so a typo in
 * an input, which GitHub only warns about, fails here.
 */
const ACTION_INPUTS: Record<string, string[]> = {
    "actions/checkout": ["repository", "ref", "token", "path", "fetch-depth", "persist-credentials"],
    "actions/setup-node": ["node-version", "node-version-file", "cache", "cache-dependency-path", "registry-url"],
    "actions/upload-artifact": [
        "name",
        "path",
        "if-no-files-found",
        "retention-days",
        "compression-level",
        "overwrite",
        "include-hidden-files",
    ],
    "actions/download-artifact": [
        "name",
        "artifact-ids",
        "path",
        "pattern",
        "merge-multiple",
        "github-token",
        "repository",
        "run-id",
    ],
    "github/codeql-action/upload-sarif": [
        "sarif_file",
        "checkout_path",
        "ref",
        "sha",
        "token",
        "matrix",
        "category",
        "wait-for-processing",
    ],
    "aws-actions/configure-aws-credentials": [
        "role-to-assume",
        "aws-region",
        "audience",
        "role-session-name",
        "role-duration-seconds",
        "mask-aws-account-id",
    ],
    "pulumi/actions": [
        "command",
        "stack-name",
        "pulumi-version",
        "pulumi-version-file",
        "work-dir",
        "comment-on-pr",
        "comment-on-pr-number",
        "comment-on-summary",
        "github-token",
        "cloud-url",
        "secrets-provider",
        "parallel",
        "message",
        "config-map",
        "expect-no-changes",
        "diff",
        "replace",
        "exclude",
        "exclude-dependents",
        "target",
        "target-dependents",
        "policyPacks",
        "policyPackConfigs",
        "refresh",
        "upsert",
        "remove",
        "edit-pr-comment",
        "color",
        "exclude-protected",
        "plan",
        "suppress-outputs",
        "suppress-progress",
        "always-include-summary",
        "continue-on-error",
        "log-verbosity",
        "log-flow",
        "debug",
    ],
};

const FILES = fs.existsSync(WORKFLOWS) ? fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)) : [];

describe("GitHub workflows users copy (.github/workflows)", () => {
    it("holds the gate, code-scanning and preview workflows, each valid YAML with a name, triggers and jobs", () => {
        expect(FILES).to.include.members(["gate.yml", "code-scanning.yml", "preview.yml"]);
        for (const file of FILES) {
            const w = load(file);
            expect(w.name, file).to.be.a("string").with.length.greaterThan(0);
            expect(w.on, file).to.be.an("object");
            expect(Object.keys(w.jobs ?? {}), file).to.have.length.greaterThan(0);
            for (const [id, job] of Object.entries(w.jobs)) {
                expect(job["runs-on"], `${file} ${id}`).to.equal("ubuntu-latest");
                expect(job.steps, `${file} ${id}`).to.be.an("array").with.length.greaterThan(0);
            }
        }
    });

    it("pins every action to a major version tag (never a floating @main/@master) and passes only inputs the action declares", () => {
        for (const file of FILES) {
            for (const job of Object.values(load(file).jobs)) {
                for (const step of job.steps.filter((s) => s.uses)) {
                    const [action, ref] = step.uses!.split("@");
                    expect(ref, `${file}: ${step.uses}`).to.match(/^v\d+$/);
                    expect(ACTION_INPUTS, `${file}: inputs of ${action} are not listed in this spec`).to.have.property(
                        action!,
                    );
                    for (const input of Object.keys(step.with ?? {})) {
                        expect(ACTION_INPUTS[action!], `${file}: ${action} input "${input}"`).to.include(input);
                    }
                }
            }
        }
    });

    describe("gate.yml: the offline gate on pull requests", () => {
        const w = load("gate.yml");
        const job = onlyJob(w);

        it("runs on pull requests with a read-only token", () => {
            expect(w.on).to.have.property("pull_request");
            expect(w.permissions).to.deep.equal({ contents: "read" });
            expect(job.permissions ?? {}).to.not.include.any.keys("security-events", "id-token");
        });

        it("installs as the README says: checkout, Node 20, npm ci", () => {
            const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
            expect(readme).to.include("npm ci && npm run gate");
            expect(stepUsing(job, "actions/checkout")).to.have.length(1);
            const node = stepUsing(job, "actions/setup-node");
            expect(node).to.have.length(1);
            expect(String(node[0]!.with?.["node-version"])).to.equal("20");
            expect(job.steps.map((s) => s.run?.trim())).to.include("npm ci");
            const order = (pred: (s: Step) => boolean) => job.steps.findIndex(pred);
            expect(order((s) => s.run?.trim() === "npm ci")).to.be.lessThan(
                order((s) => /npm run gate/.test(s.run ?? "")),
            );
        });

        it("runs the gate over the program in resolved mode, SARIF to gate.sarif, with flags the gate's CLI accepts", () => {
            const runs = gateInvocations(job);
            const sarif = runs.filter((r) => parseArgs(r.args).format === "sarif");
            expect(sarif, "one SARIF run").to.have.length(1);
            const opts = parseArgs(sarif[0]!.args);
            expect(opts.mode).to.equal("resolved");
            expect(opts.output).to.equal("gate.sarif");
            expect(opts.stackExport).to.equal(undefined);
            // A mandatory violation must fail the check: nothing swallows the gate's exit code.
            for (const r of runs) {
                expect(r.step["continue-on-error"], r.step.name).to.not.equal(true);
                expect(r.step.run, r.step.name).to.not.match(/\|\|\s*true|;\s*true\s*$/m);
            }
        });

        it("prints the text report in the log, also when the SARIF run failed", () => {
            const text = gateInvocations(job).filter(
                (r) => parseArgs(r.args).format === "text" && !parseArgs(r.args).output,
            );
            expect(text, "a text run writing to the log").to.have.length(1);
            expect(parseArgs(text[0]!.args).mode).to.equal("resolved");
            expect(text[0]!.step.if).to.equal("always()");
        });

        it("keeps gate.sarif as an artifact even when the gate fails (if: always())", () => {
            const upload = stepUsing(job, "actions/upload-artifact");
            expect(upload).to.have.length(1);
            expect(upload[0]!.if).to.equal("always()");
            expect(String(upload[0]!.with?.path)).to.include("gate.sarif");
            expect(upload[0]!.with?.name).to.be.a("string").with.length.greaterThan(0);
        });
    });

    describe("code-scanning.yml: the upload in a separate workflow_run job", () => {
        const w = load("code-scanning.yml");
        const gate = load("gate.yml");
        const job = onlyJob(w);

        it("runs when the gate workflow completes, not on the pull request itself", () => {
            expect(Object.keys(w.on)).to.deep.equal(["workflow_run"]);
            const trigger = w.on.workflow_run as { workflows: string[]; types: string[] };
            expect(trigger.workflows).to.deep.equal([gate.name]);
            expect(trigger.types).to.deep.equal(["completed"]);
        });

        it("asks for exactly security-events: write and actions: read, nothing by default", () => {
            expect(w.permissions).to.deep.equal({});
            expect(job.permissions).to.deep.equal({ "security-events": "write", actions: "read" });
        });

        it("never checks out or runs the pull request's code", () => {
            expect(stepUsing(job, "actions/checkout")).to.have.length(0);
            expect(job.steps.map((s) => s.run ?? "").join("\n")).to.not.match(/\bnpm\b|\bnode\b/);
        });

        it("downloads the artifact the gate uploaded, from the gate's run, and uploads its SARIF to code scanning", () => {
            const uploaded = stepUsing(onlyJob(gate), "actions/upload-artifact")[0]!.with!;
            const download = stepUsing(job, "actions/download-artifact");
            expect(download).to.have.length(1);
            expect(download[0]!.with?.name).to.equal(uploaded.name);
            expect(download[0]!.with?.["run-id"]).to.equal("${{ github.event.workflow_run.id }}");
            expect(download[0]!.with?.["github-token"]).to.be.a("string").with.length.greaterThan(0);
            const sarif = stepUsing(job, "github/codeql-action/upload-sarif");
            expect(sarif).to.have.length(1);
            expect(sarif[0]!.with?.sarif_file).to.equal(`${download[0]!.with?.path}/gate.sarif`);
            // Filed under the pull request's ref and commit, read from the artifact and validated.
            expect(sarif[0]!.with?.ref).to.match(/steps\.\w+\.outputs\.ref/);
            expect(sarif[0]!.with?.sha).to.match(/steps\.\w+\.outputs\.sha/);
            const validation = job.steps.find((s) => /GITHUB_OUTPUT/.test(s.run ?? ""));
            expect(validation?.run).to.include("^[0-9a-f]{40}$");
        });
    });

    describe("preview.yml: the real pulumi preview with the pack", () => {
        const w = load("preview.yml");
        const job = onlyJob(w);

        it("runs only where the repository has configured an AWS role (vars.AWS_ROLE_ARN)", () => {
            expect(job.if).to.include("vars.AWS_ROLE_ARN != ''");
        });

        it("gets AWS credentials through OIDC: id-token: write and the role from the repository variable", () => {
            expect(job.permissions).to.include({ "id-token": "write" });
            expect(w.permissions ?? {}).to.not.have.property("id-token");
            const aws = stepUsing(job, "aws-actions/configure-aws-credentials");
            expect(aws).to.have.length(1);
            expect(aws[0]!.with?.["role-to-assume"]).to.equal("${{ vars.AWS_ROLE_ARN }}");
            expect(aws[0]!.with).to.not.have.any.keys("aws-access-key-id", "aws-secret-access-key");
        });

        it("previews with the pack and its config through pulumi/actions on a local file backend", () => {
            const pulumi = stepUsing(job, "pulumi/actions");
            expect(pulumi).to.have.length(1);
            const inputs = pulumi[0]!.with!;
            expect(inputs.command).to.equal("preview");
            expect(inputs.policyPacks).to.equal("./policies");
            // The config is CI's: a repository variable names the file (unset: the pack's own levels, as in gate.yml).
            expect(inputs.policyPackConfigs).to.match(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
            expect(String(inputs["cloud-url"])).to.match(/^file:\/\//);
            expect(
                fs.existsSync(path.join(ROOT, `Pulumi.${inputs["stack-name"]}.yaml`)),
                "the stack's config file",
            ).to.equal(true);
            const env = { ...(w as { env?: Record<string, unknown> }).env, ...job.env, ...pulumi[0]!.env };
            expect(env.PULUMI_CONFIG_PASSPHRASE).to.equal("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
        });

        it("installs the program's and the pack's dependencies before the preview (the action does not)", () => {
            const install = job.steps.findIndex((s) => s.run?.trim() === "npm ci");
            const preview = job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
            expect(install).to.be.within(0, preview - 1);
        });
    });

    describe("docs/ADOPTING.md", () => {
        const guide = fs.readFileSync(path.join(ROOT, "docs", "ADOPTING.md"), "utf8");

        it("gives gate commands whose flags the gate's CLI accepts, --baseline among them", () => {
            const commands = [...guide.matchAll(/^npm run gate -- (.*?)(?:\s+#.*)?$/gm)].map((m) => m[1]!.split(/\s+/));
            expect(commands.length).to.be.greaterThan(3);
            for (const args of commands) expect(() => parseArgs(args), args.join(" ")).to.not.throw();
            expect(commands.some((args) => parseArgs(args).baseline === "baseline.json")).to.equal(true);
        });

        it("shows a config example in the CLI's format naming only policies the catalogue holds", () => {
            const example = /```json\n([\s\S]*?)```/.exec(guide)?.[1];
            expect(example, "a JSON config example").to.be.a("string");
            const config = parsePolicyPackConfig(example!, "docs/ADOPTING.md");
            const catalogue = fs.readFileSync(path.join(ROOT, "docs", "POLICIES.md"), "utf8");
            for (const name of Object.keys(config).filter((n) => n !== "all")) {
                expect(catalogue, `policy ${name}`).to.include(`\`${name}\``);
            }
        });
    });
});
