using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Dialer.Host.Configuration;

namespace Dialer.Host.Cli;

/// <summary>
/// The live-state verbs' view of a running `dialer serve`: its admin API at --api (default Dialer:Admin:Url), with a
/// token from DIALER_TOKEN (else DIALER_ADMIN_TOKEN) or --token-file. A token is never taken on the command line,
/// where `ps` and shell history would show it.
/// </summary>
public sealed class AdminClient : IDisposable
{
    public const string TokenVariable = "DIALER_TOKEN";

    public static readonly Option<string?> Api = new("--api")
    {
        Description = "the admin API of the running `dialer serve`, e.g. http://127.0.0.1:8080; default: Dialer:Admin:Url",
    };

    public static readonly Option<FileInfo?> TokenFile = new("--token-file")
    {
        Description = "file holding the API token (a viewer token may read); default: the DIALER_TOKEN environment variable",
    };

    private static readonly JsonSerializerOptions s_indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly HttpClient _http;

    private AdminClient(Uri address, string token)
    {
        Address = address;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(15) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri Address { get; }

    /// <summary>The API's JSON, indented, as --json prints it.</summary>
    public static string Indented(JsonElement json) => JsonSerializer.Serialize(json, s_indented);

    /// <summary>Resolves the address and the token; throws <see cref="AdminApiException"/> naming what is missing.</summary>
    public static AdminClient From(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var url = parse.GetValue(Api);
        if (url is null)
        {
            var configuration = DialerConfiguration.Load(parse.GetValue(CliOptions.Config));
            url = configuration["Dialer:Admin:Url"] is { Length: > 0 } configured ? configured : new AdminOptions().Url;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new AdminApiException($"--api '{url}' must be an http:// or https:// URL");
        }
        return new AdminClient(address, Token(parse.GetValue(TokenFile)));
    }

    private static string Token(FileInfo? file)
    {
        if (file is not null)
        {
            try
            {
                return File.ReadAllText(file.FullName).Trim() is { Length: > 0 } text ? text
                    : throw new AdminApiException($"--token-file {file.FullName} is empty");
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new AdminApiException($"--token-file {file.FullName}: {error.Message}");
            }
        }
        var token = Environment.GetEnvironmentVariable(TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            // `make run` exports the bootstrap token; beside it, `make dialer ARGS=channels` just works.
            token = Environment.GetEnvironmentVariable(Dialer.Host.Api.BootstrapToken.Variable);
        }
        return string.IsNullOrWhiteSpace(token)
            ? throw new AdminApiException($"no API token: set {TokenVariable} or give --token-file FILE (`dialer token create --name me --role viewer` makes one)")
            : token.Trim();
    }

    /// <summary>GET <paramref name="path"/> as JSON; failures become one-line <see cref="AdminApiException"/>s.</summary>
    public async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            throw new AdminApiException($"cannot reach `dialer serve` at {Address}: {error.Message} (is it running? see --api)");
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var why = (int)response.StatusCode switch
                {
                    401 => "the token was refused (401)",
                    403 => "the token may not read this (403)",
                    var code => $"{code} {response.ReasonPhrase}",
                };
                throw new AdminApiException($"{Address}{path.TrimStart('/')}: {why}{Detail(body)}");
            }
            try
            {
                return JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (JsonException error)
            {
                throw new AdminApiException($"{Address}{path.TrimStart('/')}: not JSON ({error.Message})");
            }
        }
    }

    private static string Detail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
                ? ": " + detail.GetString() : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    /// <summary>Runs a live verb; API failures are one line on stderr and exit code 1.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<AdminClient, Task<int>> verb)
    {
        ArgumentNullException.ThrowIfNull(verb);
        try
        {
            using var client = From(parse);
            return await verb(client);
        }
        catch (AdminApiException failure)
        {
            await Console.Error.WriteLineAsync(failure.Message);
            return 1;
        }
        catch (FileNotFoundException missing)
        {
            await Console.Error.WriteLineAsync(missing.Message);
            return 2;
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The admin API could not be asked, or refused: the message says which, in one line.</summary>
public sealed class AdminApiException : Exception
{
    public AdminApiException()
    {
    }

    public AdminApiException(string message) : base(message)
    {
    }

    public AdminApiException(string message, Exception inner) : base(message, inner)
    {
    }
}
