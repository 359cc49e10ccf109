export declare const ISOLATION_HEADERS: Record<string, string>;
export declare const CONTENT_SECURITY_POLICY: string;
export declare const SECURITY_HEADERS: Record<string, string>;
