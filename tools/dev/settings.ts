/**
 * What the local app is made of, read from the places the program itself reads: the app
 * contract (lambdas/contract.json through infra/lib/contract: table key, environment variable
 * names, event source mapping settings), the program's naming (infra/lib/naming: table,
 * stream, bucket and function names), its validated stack config (infra/config: stream
 * capacity) and the frontend's site folder and content types (infra/lib/site-files). Nothing here
 * restates a value the program owns.
 */
import { randomBytes } from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadProgramConfig } from "../gate/engine";
import { CONFIG_NAMESPACE, ConfigKey, KinesisCapacity, parseConfig } from "../../infra/config";
import { AppContract, contract } from "../../infra/lib/contract";
import { BUCKET_ROLES, StackNames } from "../../infra/lib/naming";
import { DevError } from "./errors";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const LAMBDAS_DIR = path.join(REPO_ROOT, "lambdas");

/** moto's default account: ARNs and the account-suffixed bucket name use it. */
export const MOTO_ACCOUNT_ID = "123456789012";

/**
 * Not a setting of the program: the stage name lives inside infra/api.ts as an argument
 * default and is not exported. The handler strips a leading `/<stage>` only when the path
 * does not already start with the API base path, so the name does not change routing.
 */
export const LOCAL_STAGE = "local";

export interface DevSettings {
    project: string;
    stack: string;
    region: string;
    accountId: string;
    contract: AppContract;
    tableName: string;
    streamName: string;
    streamArn: string;
    streamCapacity: KinesisCapacity;
    processedBucket: string;
    siteBucket: string;
    functions: { api: string; streamProcessor: string; edge: string };
    /**
     * The origin-verify header's value for this run: the dev server adds it to `/api/*` as
     * CloudFront does, and the API function gets it in its environment as the program gives it.
     * Random per run (the deployed value is a Pulumi secret the dev server never reads).
     */
    originVerify: string;
}

/** Reads the program's project, stack config and names for `stack` (default "dev"). */
export async function loadSettings(stack = "dev"): Promise<DevSettings> {
    const { project, config } = loadProgramConfig(REPO_ROOT, stack);
    let app;
    try {
        const present = Object.keys(config)
            .filter((k) => k.startsWith(`${CONFIG_NAMESPACE}:`))
            .map((k) => k.slice(CONFIG_NAMESPACE.length + 1));
        app = parseConfig((k: ConfigKey) => config[`${CONFIG_NAMESPACE}:${k}`], present);
    } catch (e) {
        throw new DevError(
            `Pulumi.${stack}.yaml: ${(e as Error).message}`,
            "Fix the stack config (the README lists every key), or pick another stack with --stack.",
        );
    }
    const names = new StackNames({ project, stack, region: app.region, accountId: MOTO_ACCOUNT_ID });
    // Outputs of known values outside a deployment resolve at once: take their values.
    const known = (output: pulumi.Output<string>) => new Promise<string>((resolve) => output.apply(resolve));
    const processedBucket = await known(names.bucket(BUCKET_ROLES.processed));
    const siteBucket = await known(names.bucket(BUCKET_ROLES.site));
    const streamArn = await known(names.streamArn());
    return {
        project,
        stack,
        region: app.region,
        accountId: MOTO_ACCOUNT_ID,
        contract,
        tableName: names.table,
        streamName: names.stream,
        streamArn,
        streamCapacity: app.kinesis,
        processedBucket,
        siteBucket,
        functions: { api: names.apiFunction, streamProcessor: names.streamProcessorFunction, edge: names.edgeFunction },
        originVerify: randomBytes(32).toString("base64url"),
    };
}
