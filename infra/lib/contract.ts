/**
 * The app contract shared with the handlers (lambdas/contract.json): table key, environment
 * variable names, processed-object prefixes and the event source mapping's batch settings.
 * The program reads it, never restates it.
 */
import contractJson from "../../lambdas/contract.json";

export interface AppContract {
    table: { partitionKey: { name: string; type: "S" | "N" | "B" }; billingMode: string };
    environment: {
        api: { tableName: string; streamName: string; originVerify: string };
        streamProcessor: { processedBucket: string };
    };
    api: { basePath: string; originVerifyHeader: string };
    processed: { dataPrefix: string; errorsPrefix: string };
    eventSourceMapping: {
        startingPosition: "TRIM_HORIZON" | "LATEST";
        batchSize: number;
        maximumBatchingWindowInSeconds: number;
        maximumRetryAttempts: number;
        maximumRecordAgeInSeconds: number;
        bisectBatchOnFunctionError: boolean;
        parallelizationFactor: number;
        functionResponseTypes: string[];
    };
}

export const contract: AppContract = contractJson as AppContract;

/** The handler entry point of every function: `handler.py`, function `handler`. */
export const HANDLER = "handler.handler";
export const PYTHON_RUNTIME = "python3.12";
