using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>One API server (and database) per fixture.</summary>
public abstract class ApiFixture
{
    protected ApiServer Server { get; private set; } = null!;
    protected HttpClient Admin { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        Server = await ApiServer.StartAsync();
        Admin = Server.Client();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
    }

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    protected static string UniqueExtension() =>
        Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected static string TrunkJson(string name, int cap = 10, string extra = "") =>
        $$"""{"name":"{{name}}","channelCap":{{cap}},{{extra}}"servers":[{"host":"192.0.2.10","port":5060}]}""";
}
