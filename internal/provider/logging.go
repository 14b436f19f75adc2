package provider

import "strings"

// Terraform (1.5 and later) and OpenTofu keep the log lines of a provider
// only at the level TF_LOG_PROVIDER, or else TF_LOG, names, and none when
// neither is set; TF_TEMP_LOG_PATH makes them keep everything. The loggers
// of terraform-plugin-go and the framework in the provider process, and the
// provider's own, log at TRACE unless their own variables say otherwise, so
// a plan with no logging asked for still builds a JSON line for every step
// of every request, only for Terraform to throw it away. That costs more
// than the rest of a large plan.
const (
	envLog             = "TF_LOG"
	envLogProvider     = "TF_LOG_PROVIDER"
	envTempLogPath     = "TF_TEMP_LOG_PATH"
	envLogSDK          = "TF_LOG_SDK"
	envLogThisProvider = "TF_LOG_PROVIDER_PREO"
)

// envLogSDKSubsystems follow TF_LOG_SDK when they are not set themselves.
var envLogSDKSubsystems = []string{"TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// LogLevelDefaults returns the log level variables to set in the provider
// process so that it builds no line the engine would throw away: each SDK
// and provider level that nobody set becomes the level the engine keeps.
// A variable the user set is never changed, so every line asked for is
// still written. Nothing changes when the engine keeps TRACE.
func LogLevelDefaults(getenv func(string) string) map[string]string {
	kept := keptLogLevel(getenv)
	if kept == "TRACE" {
		return nil
	}
	defaults := map[string]string{}
	if getenv(envLogThisProvider) == "" {
		defaults[envLogThisProvider] = kept
	}
	// The subsystems inherit TF_LOG_SDK when the user set it.
	if getenv(envLogSDK) == "" {
		defaults[envLogSDK] = kept
		for _, name := range envLogSDKSubsystems {
			if getenv(name) == "" {
				defaults[name] = kept
			}
		}
	}
	return defaults
}

// keptLogLevel is the least severe level of the provider's lines that the
// engine keeps, read as Terraform's and OpenTofu's internal/logging read it:
// JSON, TRACE and values they do not recognise all mean TRACE.
func keptLogLevel(getenv func(string) string) string {
	if getenv(envTempLogPath) != "" {
		return "TRACE"
	}
	level := strings.ToUpper(getenv(envLogProvider))
	if level == "" {
		level = strings.ToUpper(getenv(envLog))
	}
	switch level {
	case "":
		return "OFF"
	case "DEBUG", "INFO", "WARN", "ERROR", "OFF":
		return level
	default:
		return "TRACE"
	}
}
