using Microsoft.Extensions.Options;

namespace Dialer.Host.Configuration;

/// <summary>Reports every bad setting at start, each by its configuration key.</summary>
public sealed class DialerOptionsValidator : IValidateOptions<DialerOptions>
{
    public ValidateOptionsResult Validate(string? name, DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Database.ConnectionString))
        {
            failures.Add($"Dialer:{nameof(DialerOptions.Database)}:{nameof(DatabaseOptions.ConnectionString)} is required (make db prints one)");
        }
        if (!Uri.TryCreate(options.Admin.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            failures.Add($"Dialer:{nameof(DialerOptions.Admin)}:{nameof(AdminOptions.Url)} must be an http(s) URL such as http://127.0.0.1:8080");
        }
        if (options.Admin.MaxPageSize is < 1 or > 10_000)
        {
            failures.Add($"Dialer:{nameof(DialerOptions.Admin)}:{nameof(AdminOptions.MaxPageSize)} must be between 1 and 10000");
        }
        if (string.IsNullOrWhiteSpace(options.Secrets.Key) && string.IsNullOrWhiteSpace(options.Secrets.KeyFile))
        {
            failures.Add($"Dialer:{nameof(DialerOptions.Secrets)}: set {nameof(SecretsOptions.Key)} or {nameof(SecretsOptions.KeyFile)}");
        }
        if (string.IsNullOrWhiteSpace(options.Sip.Realm) || options.Sip.Realm.Any(c => char.IsControl(c) || c is '"' or '\\'))
        {
            failures.Add($"Dialer:{nameof(DialerOptions.Sip)}:{nameof(SipOptions.Realm)} must be a non-empty realm without quotes");
        }
        if (options.Metrics.Url.Length > 0
            && (!Uri.TryCreate(options.Metrics.Url, UriKind.Absolute, out var metrics) || metrics.Scheme is not "http"))
        {
            failures.Add($"Dialer:{nameof(DialerOptions.Metrics)}:{nameof(MetricsOptions.Url)} must be empty or an http URL such as http://127.0.0.1:9464");
        }
        if (options.Metrics.Token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            failures.Add($"Dialer:{nameof(DialerOptions.Metrics)}:{nameof(MetricsOptions.Token)} must not contain spaces or control characters");
        }
        Hosting.EdgeSettingsFactory.From(options, failures);
        Hosting.HealthSettingsFactory.From(options, failures);
        Hosting.HepSettingsFactory.From(options.Sip.Hep, failures);
        Hosting.DnsSettingsFactory.From(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
