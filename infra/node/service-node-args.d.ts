export declare const SERVICE_NODE_ARGS: readonly string[];
export declare const SERVICE_THREAD_EXEC_ARGV: readonly string[];
export declare const SERVICE_THREAD_YOUNG_GENERATION_MB: number;
