// One lint for the whole repository: TypeScript sources of the program, the pack, the gate
// and the tests. Type-aware rules are left to `npm run typecheck` (tsc --strict) to keep
// lint fast.
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "**/node_modules/**", "site/**", "lambdas/**", "docs/**", "**/*.js", "**/*.mjs"] },
    ...tseslint.configs.recommended,
    {
        rules: {
            // Protobuf and mock-monitor objects from @pulumi/pulumi are untyped JavaScript.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "prefer-const": "error",
            eqeqeq: ["error", "always"],
        },
    },
    {
        // chai's property assertions (`expect(x).to.be.true`) are expressions by design.
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-unused-expressions": "off" },
    },
);
