/**
 * A random value generated once, at create, and then kept in the stack's state (as a
 * Pulumi secret) — what `@pulumi/random`'s RandomPassword does, without another package.
 *
 * Why not the alternatives: a value made with `crypto` in the program, or the
 * `aws.secretsmanager.getRandomPassword` invoke, changes on every run and would make every
 * preview show an update of the CloudFront distribution and the web ACL. A required config
 * secret would be stable, but makes the stack unusable until someone invents a value by
 * hand. This resource is stable (its provider's diff never asks for a change unless the
 * length changes) and rotation is explicit: `pulumi up --replace <urn of the secret>`.
 *
 * It is a Pulumi dynamic resource: its provider code is serialised into the state and run by
 * the Pulumi CLI's Node.js host; it calls no AWS API.
 */
import * as pulumi from "@pulumi/pulumi";

interface GeneratedSecretInputs {
    bytes: number;
}

const generatedSecretProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: GeneratedSecretInputs) {
        // Required inside the function: the provider is serialised with its code, not this module.
        const nodeCrypto = require("crypto") as typeof import("crypto");
        return {
            id: nodeCrypto.randomUUID(),
            outs: { bytes: inputs.bytes, value: nodeCrypto.randomBytes(inputs.bytes).toString("base64url") },
        };
    },
    async diff(_id: string, olds: GeneratedSecretInputs, news: GeneratedSecretInputs) {
        const changed = olds.bytes !== news.bytes;
        return { changes: changed, replaces: changed ? ["bytes"] : [], deleteBeforeReplace: false };
    },
};

export interface GeneratedSecretArgs {
    /** Random bytes in the value (base64url-encoded). Defaults to 32 (256 bits). */
    bytes?: number;
}

export class GeneratedSecret extends pulumi.dynamic.Resource {
    /** The generated value, a Pulumi secret. */
    public readonly value!: pulumi.Output<string>;

    constructor(name: string, args: GeneratedSecretArgs = {}, opts?: pulumi.CustomResourceOptions) {
        super(
            generatedSecretProvider,
            name,
            { bytes: args.bytes ?? 32, value: undefined },
            { ...opts, additionalSecretOutputs: ["value"] },
            "secure-web-app",
            "GeneratedSecret",
        );
    }
}
