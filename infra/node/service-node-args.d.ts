export declare const SERVICE_NODE_ARGS: readonly string[];
