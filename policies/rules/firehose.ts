/**
 * Amazon Data Firehose delivery streams (aws.kinesis.FirehoseDeliveryStream): data buffered in
 * the stream (up to 24 hours) encrypted at rest. A stream whose source is a Kinesis data stream
 * or an MSK cluster cannot use Firehose SSE: the source's encryption covers it (judged by
 * kinesis-stream-encrypted and MSK's own at-rest encryption). Defaults from the provider's
 * documentation: serverSideEncryption.enabled false, keyType AWS_OWNED_CMK.
 */
import { isSet, isUnknown, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { checkSwitch, CMK_CONFIG, CmkConfig, readPath } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

export const deliveryStreamEncrypted = resourceRule<CmkConfig>({
    name: "firehose-delivery-stream-encrypted",
    description:
        "Checks that every Firehose delivery stream with a Direct PUT source encrypts buffered data at rest (serverSideEncryption.enabled; false by default) and, when the config requires it, with a customer-managed key (keyType CUSTOMER_MANAGED_CMK and keyArn). Streams reading a Kinesis data stream or MSK are covered by their source. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("DataFirehose.1"),
    remediationSteps:
        'Set `serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: key.arn }`.',
    tags: ["firehose", "encryption"],
    preview: "An unknown switch, source or key type is undecided.",
    config: CMK_CONFIG,
    resourceTypes: [AWS_TYPES.firehoseDeliveryStream],
    check(r, ctx) {
        for (const source of ["kinesisSourceConfiguration", "mskSourceConfiguration"]) {
            if (isUnknown(r.props[source])) return ctx.undecided(r, source);
            if (isSet(r.props[source])) return;
        }
        if (
            checkSwitch(r, ctx, {
                path: "serverSideEncryption.enabled",
                absent: false,
                want: true,
                what: "encrypt buffered data at rest",
                fix: "set serverSideEncryption { enabled: true }",
            })
        )
            return;
        if (ctx.config.requireCustomerManagedKey !== true) return;
        const keyType = str(readPath(r.props, "serverSideEncryption.keyType"));
        if (keyType === PACK_UNKNOWN) return ctx.undecided(r, "serverSideEncryption.keyType");
        if (keyType !== "CUSTOMER_MANAGED_CMK") {
            ctx.report(
                r,
                `must use a customer-managed KMS key (serverSideEncryption.keyType is ${keyType ?? "unset, which means AWS_OWNED_CMK"}): set keyType "CUSTOMER_MANAGED_CMK" and keyArn`,
            );
        }
    },
});

export const rules: Rule[] = [deliveryStreamEncrypted];
