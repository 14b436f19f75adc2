terraform {
  required_providers {
    preo = {
      source = "preo/preo"
    }
  }
}

# Keep the token out of the configuration: export PREO_API_TOKEN and leave
# api_token unset, or pass it in through a sensitive variable.
provider "preo" {
  # api_token = var.preo_api_token # or PREO_API_TOKEN

  # The API root. Defaults to PREO_BASE_URL, then https://api.preo.dev.
  # http:// is only accepted for localhost, such as the emulator.
  base_url = "https://api.preo.dev"

  # Limit for one HTTP attempt. Defaults to PREO_REQUEST_TIMEOUT, then 30s.
  request_timeout = "30s"

  # Retries after 429, 502, 503, 504 and connection errors.
  # Defaults to PREO_MAX_RETRIES, then 4. 0 turns retries off.
  max_retries = 4

  # Requests in flight at once, shared by all resources and data sources.
  # Defaults to PREO_MAX_CONCURRENT_REQUESTS, then 8.
  max_concurrent_requests = 8

  # Requests per second, for a token whose rate limit you know. Defaults to
  # PREO_MAX_REQUESTS_PER_SECOND, then no fixed limit: the provider then
  # slows down by itself after a 429.
  # max_requests_per_second = 10

  # How a plan reads the users it manages: "adaptive" reads them one by one
  # until that costs as much as listing every user, then lists them once;
  # "list" lists at the first read; "get" reads each user on its own.
  # Defaults to PREO_READ_STRATEGY, then "adaptive".
  read_strategy = "adaptive"
}
