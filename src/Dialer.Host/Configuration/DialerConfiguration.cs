using Microsoft.Extensions.Options;

namespace Dialer.Host.Configuration;

/// <summary>
/// Configuration as every verb sees it: the JSON file, then environment variables (Dialer__Sip__Realm=...). Nothing
/// depends on the working directory: without --config the file is /etc/dialer/dialer.json when it exists, else
/// etc/dialer.json beside the executable (the dist tarball's layout), else none; a relative
/// Dialer:Secrets:KeyFile is taken relative to the configuration file's folder, or to <see cref="StateDirectory"/>
/// when no file was read; so are the TLS certificate and key files under Dialer:Sip:Tls.
/// </summary>
public static class DialerConfiguration
{
    /// <summary>The installed configuration file (`make install`).</summary>
    public const string InstalledPath = "/etc/dialer/dialer.json";

    /// <summary>Where an installed Dialer keeps its state (the secrets key file).</summary>
    public const string StateDirectory = "/var/lib/dialer";

    /// <summary>The configuration file read when --config is not given; null when there is none.</summary>
    public static string? DefaultPath()
    {
        if (File.Exists(InstalledPath))
        {
            return InstalledPath;
        }
        var beside = Path.Combine(AppContext.BaseDirectory, "etc", "dialer.json");
        return File.Exists(beside) ? beside : null;
    }

    /// <param name="path">The configuration file, which must exist; null for <see cref="DefaultPath"/>.</param>
    /// <param name="overrides">Settings that win over the file and the environment (tests).</param>
    public static IConfigurationRoot Load(string? path, IDictionary<string, string?>? overrides = null)
    {
        if (path is not null && !File.Exists(path))
        {
            throw new FileNotFoundException($"configuration file {path} does not exist", path);
        }
        var file = path is null ? DefaultPath() : Path.GetFullPath(path);
        var settings = new Dictionary<string, string?>(overrides ?? new Dictionary<string, string?>());
        var configuration = Build(file, settings);
        // The key file is state, not a place in the working directory: anchor a relative path once, here.
        var anchor = file is null ? StateDirectory : Path.GetDirectoryName(file)!;
        var anchored = false;
        foreach (var key in FileKeys(configuration))
        {
            var value = configuration[key];
            if (!string.IsNullOrWhiteSpace(value) && !Path.IsPathRooted(value))
            {
                settings[key] = Path.GetFullPath(Path.Combine(anchor, value));
                anchored = true;
            }
        }
        return anchored ? Build(file, settings) : configuration;
    }

    private const string KeyFileKey = "Dialer:Secrets:KeyFile";
    private const string TlsKey = "Dialer:Sip:Tls";

    /// <summary>The settings that name files: the secrets key and the TLS certificates and keys.</summary>
    private static IEnumerable<string> FileKeys(IConfiguration configuration)
    {
        yield return KeyFileKey;
        yield return TlsKey + ":CertificateFile";
        yield return TlsKey + ":KeyFile";
        foreach (var entry in configuration.GetSection(TlsKey + ":ServerNames").GetChildren())
        {
            yield return entry.Path + ":CertificateFile";
            yield return entry.Path + ":KeyFile";
        }
    }

    private static IConfigurationRoot Build(string? file, Dictionary<string, string?> settings)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        }
        return builder.AddEnvironmentVariables().AddInMemoryCollection(settings).Build();
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
