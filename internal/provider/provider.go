// Package provider implements the preo Terraform provider: its settings, the
// preo_user resource and the preo_user and preo_users data sources.
package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/preo/terraform-provider-preo/internal/client"
)

var (
	_ provider.Provider                  = (*preoProvider)(nil)
	_ provider.ProviderWithListResources = (*preoProvider)(nil)
)

// Environment variables that stand in for unset provider settings.
const (
	envAPIToken              = "PREO_API_TOKEN"
	envBaseURL               = "PREO_BASE_URL"
	envRequestTimeout        = "PREO_REQUEST_TIMEOUT"
	envMaxRetries            = "PREO_MAX_RETRIES"
	envMaxConcurrentRequests = "PREO_MAX_CONCURRENT_REQUESTS"
	envMaxRequestsPerSecond  = "PREO_MAX_REQUESTS_PER_SECOND"
	envReadStrategy          = "PREO_READ_STRATEGY"
)

type preoProvider struct {
	version string
	// getenv reads the environment; tests swap it so they can run in parallel
	// without touching the process environment.
	getenv func(string) string
}

// The numbers are types.Number: see numberRange.
type preoProviderModel struct {
	APIToken              types.String `tfsdk:"api_token"`
	BaseURL               types.String `tfsdk:"base_url"`
	RequestTimeout        types.String `tfsdk:"request_timeout"`
	MaxRetries            types.Number `tfsdk:"max_retries"`
	MaxConcurrentRequests types.Number `tfsdk:"max_concurrent_requests"`
	MaxRequestsPerSecond  types.Number `tfsdk:"max_requests_per_second"`
	ReadStrategy          types.String `tfsdk:"read_strategy"`
}

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

var (
	maxRetriesRange            = numberRange{minimum: 0, maximum: client.MaxMaxRetries}
	maxConcurrentRequestsRange = numberRange{minimum: 1, maximum: client.MaxMaxConcurrentRequests}
	// max_requests_per_second goes from 36 requests an hour, the slowest
	// quota worth pacing to, to far beyond what max_concurrent_requests lets
	// through at the API's usual latency.
	maxRequestsPerSecondRange = numberRange{minimum: 0.01, maximum: 1000, fractions: true}
)

func (p *preoProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	defaults := func(env, value string) string {
		return "Defaults to the `" + env + "` environment variable, then `" + value + "`."
	}
	resp.Schema = schema.Schema{
		Description: "Manages the users of Preo, the ticketing and customer platform, through its REST API.",
		Attributes: map[string]schema.Attribute{
			"api_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "The Preo API token, sent as `Authorization: Bearer <token>`. " +
					"Required here or in the `" + envAPIToken + "` environment variable. " +
					"Surrounding whitespace, such as the newline at the end of a file read with `file()`, is removed.",
			},
			"base_url": schema.StringAttribute{
				Optional: true,
				Description: "The root URL of the Preo API, without the `/v1` API path. Must use `https://`, except towards this machine " +
					"(`localhost`, `127.0.0.0/8`, `[::1]`), where `http://` is accepted, for the emulator. " +
					defaults(envBaseURL, client.DefaultBaseURL),
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				Description: "How long one HTTP attempt may take, as a Go duration such as `\"30s\"` or `\"2m\"`, at most `" +
					durationText(client.MaxRequestTimeout) + "`. " + defaults(envRequestTimeout, durationText(client.DefaultRequestTimeout)),
				Validators: []validator.String{requestTimeout},
			},
			"max_retries": schema.NumberAttribute{
				Optional: true,
				Description: "How many times a request is retried after HTTP 429, 502, 503, 504 or a connection error, " +
					"with jittered exponential backoff that honours `Retry-After`: a whole number " + maxRetriesRange.String() + ". `0` disables retries. " +
					defaults(envMaxRetries, strconv.Itoa(client.DefaultMaxRetries)),
				Validators: []validator.Number{maxRetriesRange},
			},
			"max_concurrent_requests": schema.NumberAttribute{
				Optional: true,
				Description: "The most requests this provider has in flight at once, shared by every resource and data source: " +
					"a whole number " + maxConcurrentRequestsRange.String() + ". " +
					defaults(envMaxConcurrentRequests, strconv.Itoa(client.DefaultMaxConcurrentRequests)),
				Validators: []validator.Number{maxConcurrentRequestsRange},
			},
			"max_requests_per_second": schema.NumberAttribute{
				Optional: true,
				Description: "The most requests per second this provider sends, shared by every resource and data source, " +
					"for a token whose rate limit you know: set at or below it, Preo never has to answer HTTP 429. " +
					"A number " + maxRequestsPerSecondRange.String() + "; fractions such as `0.5` are allowed. " +
					"Defaults to the `" + envMaxRequestsPerSecond + "` environment variable, then no fixed limit: the provider then slows down by itself after an HTTP 429.",
				Validators: []validator.Number{maxRequestsPerSecondRange},
			},
			"read_strategy": schema.StringAttribute{
				Optional: true,
				Description: "How the provider reads the users it manages in a plan. " +
					"`adaptive` reads users one by one until that has cost as many requests as listing every user the token can see, " +
					"then lists them all once and answers the other reads from that listing. " +
					"`list` lists every user at the first read: the cheapest choice when a configuration manages a large share of the users. " +
					"`get` reads every user with a request of its own. " +
					"With `adaptive` and `list`, users that a `preo_users` or `preo_user` data source (or an import by email address) listed in the same plan " +
					"are answered from that listing. A listing answers only the plan that fetched it, for at most " + durationText(client.ListingMaxAge) + ". " +
					defaults(envReadStrategy, string(client.ReadAdaptive)),
				Validators: []validator.String{stringvalidator.OneOf(readStrategyNames()...)},
			},
		},
	}
}

func readStrategyNames() []string {
	names := make([]string, len(client.ReadStrategies))
	for i, strategy := range client.ReadStrategies {
		names[i] = string(strategy)
	}
	return names
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
	settings.UserAgent = userAgent(p.version, req.TerraformVersion)

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
		"read_strategy":           string(settings.ReadStrategy),
	})
	data := &providerData{client: c, adoptions: newAdoptionPreviews()}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ListResourceData = data
}

// userAgent is the User-Agent header value every request carries.
func userAgent(providerVersion, terraformVersion string) string {
	return fmt.Sprintf("terraform-provider-preo/%s (+https://registry.terraform.io/providers/preo/preo) Terraform/%s",
		providerVersion, terraformVersion)
}

// resolveSettings applies configuration over environment over default, and
// reports every bad value on its attribute before any request is made.
func (p *preoProvider) resolveSettings(config preoProviderModel, diags *diag.Diagnostics) client.Config {
	settings := client.Config{
		BaseURL:               client.DefaultBaseURL,
		RequestTimeout:        client.DefaultRequestTimeout,
		MaxRetries:            client.DefaultMaxRetries,
		MaxConcurrentRequests: client.DefaultMaxConcurrentRequests,
		ReadStrategy:          client.ReadAdaptive,
	}

	raw, source, ok := p.stringSetting(config.APIToken, "api_token", envAPIToken, diags)
	// A token never holds whitespace, but one read with file() ends in a newline.
	token := strings.TrimSpace(raw)
	switch err := client.CheckToken(token); {
	case config.APIToken.IsUnknown():
	case !ok:
		diags.AddAttributeError(path.Root("api_token"), "Missing Preo API Token",
			fmt.Sprintf("The provider needs a Preo API token. Set api_token in the provider block or the %s environment variable.", envAPIToken))
	case errors.Is(err, client.ErrEmptyToken):
		diags.AddAttributeError(path.Root("api_token"), "Empty Preo API Token",
			fmt.Sprintf("The API token from %s is empty. Set api_token in the provider block or the %s environment variable to a Preo API token.", source, envAPIToken))
	case err != nil:
		diags.AddAttributeError(path.Root("api_token"), "Invalid Preo API Token",
			fmt.Sprintf("The API token from %s contains a control character, such as a line break or a tab inside it, which no Preo token holds. "+
				"It is not shown here. Check how the token is read into the configuration or the environment.", source))
	}
	settings.Token = token

	if raw, source, ok := p.stringSetting(config.BaseURL, "base_url", envBaseURL, diags); ok {
		if _, err := client.ParseBaseURL(raw); err != nil {
			diags.AddAttributeError(path.Root("base_url"), "Invalid Preo Base URL",
				fmt.Sprintf("The base URL from %s is not usable: %s. Set base_url to the Preo API root, such as %s.", source, err, client.DefaultBaseURL))
		}
		settings.BaseURL = raw
	}

	if raw, source, ok := p.stringSetting(config.RequestTimeout, "request_timeout", envRequestTimeout, diags); ok {
		timeout, err := parseRequestTimeout(raw)
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout",
				fmt.Sprintf("The request timeout %q from %s %s.", raw, source, err))
		}
		settings.RequestTimeout = timeout
	}

	if n, ok := p.numberSetting(config.MaxRetries, "max_retries", envMaxRetries, maxRetriesRange, diags); ok {
		settings.MaxRetries = int(n)
	}
	if n, ok := p.numberSetting(config.MaxConcurrentRequests, "max_concurrent_requests", envMaxConcurrentRequests, maxConcurrentRequestsRange, diags); ok {
		settings.MaxConcurrentRequests = int(n)
	}
	if n, ok := p.numberSetting(config.MaxRequestsPerSecond, "max_requests_per_second", envMaxRequestsPerSecond, maxRequestsPerSecondRange, diags); ok {
		settings.MaxRequestsPerSecond = n
	}
	if raw, source, ok := p.stringSetting(config.ReadStrategy, "read_strategy", envReadStrategy, diags); ok {
		strategy := client.ReadStrategy(strings.TrimSpace(raw))
		if !slices.Contains(client.ReadStrategies, strategy) {
			diags.AddAttributeError(path.Root("read_strategy"), "Invalid Read Strategy",
				fmt.Sprintf("The read strategy %q from %s is not one of %s. Use adaptive unless the documentation of read_strategy says otherwise.",
					raw, source, quotedList(readStrategyNames())))
		}
		settings.ReadStrategy = strategy
	}
	return settings
}

// parseRequestTimeout reads a Go duration within the client's bounds; its
// error completes a sentence that names the value.
func parseRequestTimeout(raw string) (time.Duration, error) {
	timeout, err := time.ParseDuration(raw)
	if err != nil || timeout <= 0 || timeout > client.MaxRequestTimeout {
		return 0, fmt.Errorf("is not a positive Go duration of at most %s. Use a value such as \"30s\" or \"2m\"", durationText(client.MaxRequestTimeout))
	}
	return timeout, nil
}

// durationText writes a duration as a configuration would: "10m", not "10m0s".
func durationText(d time.Duration) string {
	text := d.String()
	if strings.HasSuffix(text, "m0s") || strings.HasSuffix(text, "h0s") {
		text = strings.TrimSuffix(text, "0s")
	}
	if strings.HasSuffix(text, "h0m") {
		text = strings.TrimSuffix(text, "0m")
	}
	return text
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

// numberSetting returns the configured number, else the environment's,
// within bounds; ok is false when neither sets a usable one.
func (p *preoProvider) numberSetting(value types.Number, attribute, env string, bounds numberRange, diags *diag.Diagnostics) (float64, bool) {
	if value.IsUnknown() {
		addUnknownSettingError(diags, attribute, env)
		return 0, false
	}
	if !value.IsNull() {
		n, err := bounds.check(value.ValueBigFloat())
		if err != nil {
			diags.AddAttributeError(path.Root(attribute), bounds.summary(), fmt.Sprintf("%s %s.", attribute, err))
		}
		return n, err == nil
	}
	raw := p.getenv(env)
	if raw == "" {
		return 0, false
	}
	number, ok := new(big.Float).SetString(strings.TrimSpace(raw))
	if !ok {
		number = nil
	}
	n, err := bounds.check(number)
	if err != nil {
		diags.AddAttributeError(path.Root(attribute), "Invalid "+env+" Value",
			fmt.Sprintf("The %s environment variable is %q, which is not %s %s. Fix the variable or set %s in the provider block.", env, raw, bounds.kind(), bounds, attribute))
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

func (p *preoProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewUserListResource}
}

func (p *preoProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewUserDataSource, NewUsersDataSource}
}
