import Logging

extension Logger {
    /// A logger that says only what is critical: fuzz runs refuse thousands of requests.
    public static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }
}

