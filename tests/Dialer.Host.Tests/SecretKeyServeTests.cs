using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>`dialer serve` and the secrets key: a missing key with stored secrets is a refusal, never a new key.</summary>
public sealed class SecretKeyServeTests
{
    [Test]
    public async Task Serve_WhenTheKeyIsMissingButTrunksHoldSecrets_RefusesToStartNamingTheReason()
    {
        await using var db = await TestDatabase.CreateAsync();
        var repository = new PeerRepository(db.Database, TestKeys.NewProtector());
        await repository.CreateTrunkAsync(PeerValidator.Trunk(new TrunkInput
        {
            Name = "secretive",
            ChannelCap = 5,
            Auth = new TrunkAuthInput { Username = "u", Password = "carrier-secret" },
            Servers = [new TrunkServerInput { Host = "192.0.2.10", Port = 5060 }],
        }, null), "test");
        var folder = Directory.CreateTempSubdirectory("dialer-serve-key-");
        try
        {
            var keyFile = Path.Combine(folder.FullName, "secrets.key");
            var serve = ServeProcess.Start(db.ConnectionString, "", new Dictionary<string, string> { ["Dialer__Secrets__KeyFile"] = keyFile });
            await using (serve)
            {
                Assert.That(await serve.WaitHealthyAsync(), Is.False, "it never serves");
                var (exitCode, _, errors) = await serve.StopAsync();
                Assert.That(exitCode, Is.EqualTo(1));
                Assert.That(errors, Does.Contain("not starting").And.Contain("the secrets key is missing").And.Contain(keyFile)
                    .And.Contain("1 trunk(s) hold secrets"));
            }
            Assert.That(File.Exists(keyFile), Is.False, "no new key that could not read the stored secret");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Serve_OnADatabaseWithoutSecrets_CreatesTheKeyFileItNeeds()
    {
        await using var db = await TestDatabase.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("dialer-serve-key-");
        try
        {
            var keyFile = Path.Combine(folder.FullName, "state", "secrets.key");
            await using var serve = ServeProcess.Start(db.ConnectionString, "", new Dictionary<string, string>
            {
                ["Dialer__Secrets__KeyFile"] = keyFile,
                ["Dialer__Health__Enabled"] = "false",
            });
            Assert.That(await serve.WaitHealthyAsync(), Is.True);
            Assert.That(File.Exists(keyFile), Is.True);
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(keyFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
