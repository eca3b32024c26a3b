/**
 * Required tags. In @pulumi/aws v7 a provider's defaultTags are merged by the provider into
 * each resource's `tagsAll` output; the resource's own `tags` input does not show them. How the
 * rule reads them, honestly:
 * - `tagsAll`, when the resource has it and it is known, is authoritative (what AWS will hold);
 * - otherwise the rule merges the resource's `tags` with its provider's `defaultTags.tags`
 *   (the provider resource's inputs), which is what the provider will compute;
 * - a resource with neither `tags` nor `tagsAll` in its properties is treated as not taggable
 *   (inputs cannot tell "untaggable type" from "no tags given"): the rule runs on the stack's
 *   outputs, where taggable AWS resources carry `tagsAll`.
 */
import { isUnknown, read, rec, PACK_UNKNOWN } from "../lib/props";
import { Rule, stackRule, stringListOption } from "../lib/rule";

export const requiredTags = stackRule<{ requiredTags: string[] }>({
    name: "aws-resource-required-tags",
    description:
        "Checks that every taggable AWS resource carries the configured tag keys, counting the provider's defaultTags " +
        "(read from tagsAll when known, else from the resource's tags merged with its provider's defaultTags). With no " +
        "keys configured the rule checks nothing. Advisory: tags drive cost allocation and ownership, not access.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
        "Set the keys in the aws provider's defaultTags.tags (covers every resource) or in the resource's tags.",
    tags: ["tagging", "governance"],
    preview: "Undecided while tagsAll and tags are unknown (a new resource's tagsAll is computed).",
    config: {
        requiredTags: stringListOption("Tag keys every taggable resource must have."),
    },
    check(stack, ctx) {
        const keys = ctx.config.requiredTags ?? [];
        if (keys.length === 0) return;
        for (const r of stack.resources) {
            if (!r.type.startsWith("aws:")) continue;
            const hasTagsAll = Object.prototype.hasOwnProperty.call(r.props, "tagsAll");
            const hasTags = Object.prototype.hasOwnProperty.call(r.props, "tags");
            if (!hasTagsAll && !hasTags) continue;
            const all = rec(read(r.props, "tagsAll"));
            let present: Set<string>;
            if (all && all !== PACK_UNKNOWN && Object.keys(all).length > 0) present = new Set(Object.keys(all));
            else {
                const own = rec(read(r.props, "tags"));
                const defaults = rec(read(r.provider?.props, "defaultTags", "tags"));
                if (
                    own === PACK_UNKNOWN ||
                    defaults === PACK_UNKNOWN ||
                    (isUnknown(read(r.props, "tagsAll")) && !own && !defaults)
                ) {
                    ctx.undecided(r, "tags/tagsAll");
                    continue;
                }
                present = new Set([...Object.keys(own ?? {}), ...Object.keys(defaults ?? {})]);
            }
            const missing = keys.filter((k) => !present.has(k));
            if (missing.length) {
                ctx.report(
                    r,
                    `must carry the required tags: missing ${missing.join(", ")}; add them to the provider's defaultTags.tags or to tags`,
                );
            }
        }
    },
});

export const rules: Rule[] = [requiredTags];
