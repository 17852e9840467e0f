import EnlaceConfig
import Logging

/// Logging for the daemons: swift-log to stderr (journald keeps it), structured metadata.
enum DaemonLogging {
    static func logger(_ label: String, level: String) throws(ConfigError) -> Logger {
        guard let parsed = Logger.Level(rawValue: level) else {
            throw ConfigError("log_level «\(level)»: usa trace, debug, info, notice, warning, error o critical")
        }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: label)
        logger.logLevel = parsed
        return logger
    }
}
