/**
 * Tier 2 (data half): the items table. On-demand capacity, point-in-time recovery, a
 * customer-managed key with rotation, deletion protection from config.
 *
 * The key policy holds only the account-root statement: DynamoDB uses the key through
 * grants it creates with the permissions of whoever creates the table, and the API
 * function's own role is granted the key in its identity policy (infra/api.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { contract } from "./lib/contract";
import { createStackKey } from "./lib/kms";
import { StackNames } from "./lib/naming";

export interface DataArgs {
    /** Physical names and the account this stack deploys to. */
    names: StackNames;
    /** Refuse DeleteTable while on (config `dynamoDeletionProtection`). */
    deletionProtection: boolean;
}

export class Data extends pulumi.ComponentResource {
    public readonly tableName: pulumi.Output<string>;
    public readonly tableArn: pulumi.Output<string>;
    /** The table's KMS key; the API function also encrypts its environment with it. */
    public readonly tableKeyArn: pulumi.Output<string>;

    constructor(name: string, args: DataArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-web-app:data:Data", name, {}, opts);
        const names = args.names;
        const deletionProtection = args.deletionProtection;

        const tableKey = createStackKey(
            `${name}-table-key`,
            {
                names,
                alias: "table",
                purpose: `DynamoDB table ${names.table} and the API function's environment`,
            },
            { parent: this },
        );

        const key = contract.table.partitionKey;
        const table = new aws.dynamodb.Table(
            `${name}-table`,
            {
                name: names.table,
                billingMode: "PAY_PER_REQUEST",
                hashKey: key.name,
                attributes: [{ name: key.name, type: key.type }],
                pointInTimeRecovery: { enabled: true },
                serverSideEncryption: { enabled: true, kmsKeyArn: tableKey.arn },
                deletionProtectionEnabled: deletionProtection,
            },
            { parent: this },
        );

        this.tableName = table.name;
        this.tableArn = table.arn;
        this.tableKeyArn = tableKey.arn;
        this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn, tableKeyArn: this.tableKeyArn });
    }
}
