// Package provider implements the preo Terraform provider: its settings, the
// preo_user resource and the preo_user and preo_users data sources.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/preo/terraform-provider-preo/internal/client"
)

var _ provider.Provider = (*preoProvider)(nil)

type preoProvider struct {
	version string
	// getenv reads the environment; tests swap it so they can run in parallel
	// without touching the process environment.
	getenv func(string) string
}

type preoProviderModel struct {
	APIToken              types.String  `tfsdk:"api_token"`
	BaseURL               types.String  `tfsdk:"base_url"`
	RequestTimeout        types.String  `tfsdk:"request_timeout"`
	MaxRetries            types.Int64   `tfsdk:"max_retries"`
	MaxConcurrentRequests types.Int64   `tfsdk:"max_concurrent_requests"`
	MaxRequestsPerSecond  types.Float64 `tfsdk:"max_requests_per_second"`
}

// Bounds of max_requests_per_second: from 36 requests an hour, the slowest
// quota worth pacing to, to far beyond what max_concurrent_requests lets
// through at the API's usual latency.
const (
	minRequestsPerSecond = 0.01
	maxRequestsPerSecond = 1000
)

// New returns the provider factory that main serves.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &preoProvider{version: version, getenv: os.Getenv}
	}
}

func (p *preoProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "preo"
	resp.Version = p.version
}

func (p *preoProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manages the users of Preo, the ticketing and customer platform, through its REST API.",
		Attributes: map[string]schema.Attribute{
			"api_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "The Preo API token, sent as `Authorization: Bearer <token>`. " +
					"Required here or in the `" + client.EnvAPIToken + "` environment variable.",
			},
			"base_url": schema.StringAttribute{
				Optional: true,
				Description: "The root URL of the Preo API. Must use `https://`, except towards this machine " +
					"(`localhost`, `127.0.0.0/8`, `[::1]`), where `http://` is accepted, for the emulator. " +
					"Defaults to the `" + client.EnvBaseURL + "` environment variable, then `" + client.DefaultBaseURL + "`.",
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				Description: "How long one HTTP attempt may take, as a Go duration such as `\"30s\"` or `\"2m\"`. " +
					"Defaults to the `" + client.EnvRequestTimeout + "` environment variable, then `30s`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				Description: "How many times a request is retried after HTTP 429, 502, 503, 504 or a connection error, " +
					"with jittered exponential backoff that honours `Retry-After`. `0` disables retries. " +
					"Defaults to the `" + client.EnvMaxRetries + "` environment variable, then `4`.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"max_concurrent_requests": schema.Int64Attribute{
				Optional: true,
				Description: "The most requests this provider has in flight at once, shared by every resource and data source. " +
					"Defaults to the `" + client.EnvMaxConcurrentRequests + "` environment variable, then `8`.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"max_requests_per_second": schema.Float64Attribute{
				Optional: true,
				Description: fmt.Sprintf("The most requests per second this provider sends, shared by every resource and data source, "+
					"for a token whose rate limit you know: set at or below it, Preo never has to answer HTTP 429. "+
					"Between %g and %g; fractions such as `0.5` are allowed. "+
					"Defaults to the `%s` environment variable, then no fixed limit: the provider then slows down by itself after an HTTP 429.",
					minRequestsPerSecond, float64(maxRequestsPerSecond), client.EnvMaxRequestsPerSecond),
				Validators: []validator.Float64{float64validator.Between(minRequestsPerSecond, maxRequestsPerSecond)},
			},
		},
	}
}

func (p *preoProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config preoProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	settings := p.resolveSettings(config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	settings.UserAgent = client.UserAgent(p.version, req.TerraformVersion)

	c, err := client.New(settings)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Preo API Client", "The provider settings were accepted but the client could not be built: "+err.Error())
		return
	}
	tflog.Debug(ctx, "Configured Preo API client", map[string]any{
		"base_url":                settings.BaseURL,
		"request_timeout":         settings.RequestTimeout.String(),
		"max_retries":             settings.MaxRetries,
		"max_concurrent_requests": settings.MaxConcurrentRequests,
		"max_requests_per_second": settings.MaxRequestsPerSecond,
	})
	resp.DataSourceData = c
	resp.ResourceData = c
}

// resolveSettings applies configuration over environment over default, and
// reports every bad value on its attribute before any request is made.
func (p *preoProvider) resolveSettings(config preoProviderModel, diags *diag.Diagnostics) client.Config {
	settings := client.Config{
		BaseURL:               client.DefaultBaseURL,
		RequestTimeout:        client.DefaultRequestTimeout,
		MaxRetries:            client.DefaultMaxRetries,
		MaxConcurrentRequests: client.DefaultMaxConcurrentRequests,
	}

	token, source, ok := p.stringSetting(config.APIToken, "api_token", client.EnvAPIToken, diags)
	switch {
	case config.APIToken.IsUnknown():
	case !ok:
		diags.AddAttributeError(path.Root("api_token"), "Missing Preo API Token",
			fmt.Sprintf("The provider needs a Preo API token. Set api_token in the provider block or the %s environment variable.", client.EnvAPIToken))
	case token == "":
		diags.AddAttributeError(path.Root("api_token"), "Empty Preo API Token",
			fmt.Sprintf("The API token from %s is empty. Set api_token in the provider block or the %s environment variable to a Preo API token.", source, client.EnvAPIToken))
	}
	settings.Token = token

	if raw, source, ok := p.stringSetting(config.BaseURL, "base_url", client.EnvBaseURL, diags); ok {
		if _, err := client.ParseBaseURL(raw); err != nil {
			diags.AddAttributeError(path.Root("base_url"), "Invalid Preo Base URL",
				fmt.Sprintf("The base URL from %s is not usable: %s. Set base_url to the Preo API root, such as %s.", source, err, client.DefaultBaseURL))
		}
		settings.BaseURL = raw
	}

	if raw, source, ok := p.stringSetting(config.RequestTimeout, "request_timeout", client.EnvRequestTimeout, diags); ok {
		timeout, err := time.ParseDuration(raw)
		if err != nil || timeout <= 0 {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout",
				fmt.Sprintf("The request timeout %q from %s is not a positive Go duration. Use a value such as \"30s\" or \"2m\".", raw, source))
		}
		settings.RequestTimeout = timeout
	}

	if n, ok := p.intSetting(config.MaxRetries, "max_retries", client.EnvMaxRetries, 0, diags); ok {
		settings.MaxRetries = n
	}
	if n, ok := p.intSetting(config.MaxConcurrentRequests, "max_concurrent_requests", client.EnvMaxConcurrentRequests, 1, diags); ok {
		settings.MaxConcurrentRequests = n
	}
	if n, ok := p.rateSetting(config.MaxRequestsPerSecond, diags); ok {
		settings.MaxRequestsPerSecond = n
	}
	return settings
}

// stringSetting returns the configured value, else the environment's, and
// says where it came from; ok is false when neither sets it, or when the
// configured value is unknown (which it reports).
func (p *preoProvider) stringSetting(value types.String, attribute, env string, diags *diag.Diagnostics) (string, string, bool) {
	if value.IsUnknown() {
		addUnknownSettingError(diags, attribute, env)
		return "", "", false
	}
	if !value.IsNull() {
		return value.ValueString(), "the provider configuration", true
	}
	if raw := p.getenv(env); raw != "" {
		return raw, "the " + env + " environment variable", true
	}
	return "", "", false
}

func (p *preoProvider) intSetting(value types.Int64, attribute, env string, minimum int, diags *diag.Diagnostics) (int, bool) {
	if value.IsUnknown() {
		addUnknownSettingError(diags, attribute, env)
		return 0, false
	}
	if !value.IsNull() {
		// The schema validator has already rejected values below the minimum.
		return int(value.ValueInt64()), true
	}
	raw := p.getenv(env)
	if raw == "" {
		return 0, false
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < minimum {
		diags.AddAttributeError(path.Root(attribute), "Invalid "+env+" Value",
			fmt.Sprintf("The %s environment variable is %q, which is not a whole number of at least %d. Fix the variable or set %s in the provider block.", env, raw, minimum, attribute))
		return 0, false
	}
	return n, true
}

// rateSetting resolves max_requests_per_second, which unlike the other
// numbers may be a fraction.
func (p *preoProvider) rateSetting(value types.Float64, diags *diag.Diagnostics) (float64, bool) {
	const attribute, env = "max_requests_per_second", client.EnvMaxRequestsPerSecond
	if value.IsUnknown() {
		addUnknownSettingError(diags, attribute, env)
		return 0, false
	}
	if !value.IsNull() {
		// The schema validator has already rejected values out of bounds.
		return value.ValueFloat64(), true
	}
	raw := p.getenv(env)
	if raw == "" {
		return 0, false
	}
	n, err := strconv.ParseFloat(raw, 64)
	if err != nil || !(n >= minRequestsPerSecond && n <= maxRequestsPerSecond) {
		diags.AddAttributeError(path.Root(attribute), "Invalid "+env+" Value",
			fmt.Sprintf("The %s environment variable is %q, which is not a number between %g and %g. Fix the variable or set %s in the provider block.",
				env, raw, minRequestsPerSecond, float64(maxRequestsPerSecond), attribute))
		return 0, false
	}
	return n, true
}

func addUnknownSettingError(diags *diag.Diagnostics, attribute, env string) {
	diags.AddAttributeError(path.Root(attribute), "Unknown Preo Provider Setting",
		fmt.Sprintf("The provider cannot be configured because %s depends on a value that is not known until apply. "+
			"Set it to a value known at plan time, or leave it out and use the %s environment variable.", attribute, env))
}

func (p *preoProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewUserResource}
}

func (p *preoProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewUserDataSource, NewUsersDataSource}
}
