using Microsoft.Extensions.Options;

namespace Dialer.Host.Configuration;

/// <summary>Configuration as every verb sees it: the JSON file, then environment variables (Dialer__Sip__Realm=...).</summary>
public static class DialerConfiguration
{
    public const string DefaultPath = "etc/dialer.json";

    public static IConfigurationRoot Load(string path, IDictionary<string, string?>? overrides = null)
    {
        if (path != DefaultPath && !File.Exists(path))
        {
            throw new FileNotFoundException($"configuration file {path} does not exist", path);
        }
        return new ConfigurationBuilder()
            .AddJsonFile(Path.GetFullPath(path), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();
    }

    /// <summary>Binds and validates the Dialer section; throws naming every bad key.</summary>
    public static DialerOptions Options(IConfiguration configuration)
    {
        var options = configuration.GetSection(DialerOptions.Section).Get<DialerOptions>() ?? new DialerOptions();
        var result = new DialerOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(DialerOptions.Section, typeof(DialerOptions), result.Failures);
        }
        return options;
    }
}
