import type { Rule } from "../lib/rule";

export const rules: Rule[] = [];
