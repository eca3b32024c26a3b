/**
 * Shapes of the mutation suite. A mutation is ONE realistic mistake applied to the real
 * program (infra/) without copying it, in one of two ways:
 *
 * - `modify`: a stack transformation (loaded as a preload, before the program) changes the
 *   args of one resource as it registers — the mistake an engineer makes by editing a line;
 * - `add`: an overlay (loaded after the program) adds resources wired to the program's real
 *   resources — the mistake an engineer makes by adding a few lines.
 *
 * "Remove" is never a kind of its own: it becomes the realistic form of the mistake (an
 * alarm whose actions were dropped, an endpoint that lost a route table).
 *
 * This file is imported by both sides: the runner (which never loads @pulumi/aws: it only reads
 * the metadata) and the engine's child process (which runs the hooks). So SDK types come in
 * with `import type` only.
 */
import type * as awsModule from "@pulumi/aws";
import type * as pulumiModule from "@pulumi/pulumi";

/** The mission's five constraints (policies/lib/constraints.ts), and the rules beyond them. */
export type Family = "s3-public" | "encryption" | "private-subnets" | "iam" | "endpoints" | "extra";

export const FAMILY_TITLES: Record<Family, string> = {
    "s3-public": "1. S3 has no public access",
    encryption: "2. Encryption is on",
    "private-subnets": "3. Lambdas sit in private subnets",
    iam: "4. IAM has no wildcards",
    endpoints: "5. VPC endpoints exist",
    extra: "Beyond the five",
};

/** What the hooks hand a mutation inside the engine's child process. */
export interface HookContext {
    aws: typeof awsModule;
    pulumi: typeof pulumiModule;
    /**
     * A resource the program registered earlier, by its logical name (captured by the preload's
     * transformation). Throws when there is none: a renamed resource must fail loudly, never
     * turn the mutation into a no-op.
     */
    resource<R = pulumiModule.CustomResource>(name: string): R;
    /** The args that resource was registered with (after any `modify`), to build a variant of it. Throws as `resource` does. */
    props(name: string): Props;
    /** The program's exports (the stack outputs; see infra/index.ts). Empty before the program ran. */
    exports: Record<string, pulumiModule.Output<unknown>>;
}

/** The args of the resource a `modify` edits, as the SDK hands them to a transformation. */
export type Props = Record<string, any>;

interface Common {
    /** Stable, kebab-case: `--only <id>` and the kill table use it. */
    id: string;
    /** One line: the realistic mistake, as a reviewer would describe it. */
    description: string;
    /**
     * How the mistake is expressed: the resource form it uses ("inline", "BucketAclV2",
     * "aws.ec2.SecurityGroupRule", "RolePolicy", "RolePolicyAttachment" ...).
     */
    form: string;
    /**
     * True when the form is an alternate one: a separate rule/association resource, a V2 alias,
     * a RolePolicy or managed-policy attachment, instead of an inline property of the resource
     * the rule is about. The issue asks for at least a third of them.
     */
    alternate: boolean;
}

export interface ModifySpec {
    kind: "modify";
    /** The resource to edit: its type token and logical name (exactly one must match). */
    target: { type: string; name: string };
    /** Runs in the preload, before the program: create what the edit refers to (e.g. an OAI). */
    setup?(ctx: HookContext): void;
    /** The edited args (return a new object; `props` is the program's). */
    modify(props: Props, ctx: HookContext): Props;
    /** Edited resource options (e.g. a provider swapped for a `region` input). */
    options?(opts: pulumiModule.CustomResourceOptions, ctx: HookContext): pulumiModule.CustomResourceOptions;
}

export interface AddSpec {
    kind: "add";
    /** Runs in the overlay, after the program: add the resources of the mistake. */
    add(ctx: HookContext): void;
}

export type Change = ModifySpec | AddSpec;

export type Mutation = Common &
    Change & {
        family: Family;
        /** The rule that must catch it (a name from docs/POLICIES.md). */
        rule: string;
        /** The level the rule reports at by default; the finding must be at this level. */
        level: "mandatory" | "advisory";
        /** The exact URN of the resource the finding must name. */
        resource: string;
    };

/** A correct-but-unusual change: no rule may report a new mandatory finding for it. */
export type Control = Common &
    Change & {
        /** Why the change is correct (the docs table prints it). */
        why: string;
        /**
         * Rules that must add no finding at all, advisory or undecided included: the control shows
         * that the variant an advisory rule's mutation starts from is silent under that rule.
         */
        silent?: string[];
    };

// ---------------------------------------------------------------------------------------------
// URNs of the program's resources, as the engine builds them (the parent's type chain, then
// the resource's type and name). Kept here so a renamed resource breaks one line, loudly.

const STACK = "dev";
const PROJECT = "secure-web-app";

/** Component type tokens of the six tiers (infra/<tier>.ts). */
export const C = {
    network: "secure-web-app:network:Network",
    data: "secure-web-app:data:Data",
    streaming: "secure-web-app:streaming:Streaming",
    api: "secure-web-app:api:Api",
    frontend: "secure-web-app:frontend:Frontend",
    monitoring: "secure-web-app:monitoring:Monitoring",
} as const;

/** The URN of a resource named `name` of `type`, child of a tier component (or of the stack). */
export function urn(component: string | undefined, type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${component ? `${component}$` : ""}${type}::${name}`;
}

/** `urn:...::secure-web-app:api:Api$aws:lambda/function:Function::api-handler-function` -> `aws.lambda.Function api-handler-function`. */
export function shortUrn(u: string): string {
    const parts = u.split("::");
    const name = parts.pop() ?? "";
    const type = (parts.pop() ?? "").split("$").pop() ?? "";
    const m = /^([^:]+):([^/]+)\/[^:]+:(.+)$/.exec(type);
    return `${m ? `${m[1]}.${m[2]}.${m[3]}` : type} ${name}`;
}
