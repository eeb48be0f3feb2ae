using System.Security.Cryptography;
using System.Text;
using Dialer.Peers.Security;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Peers.Tests;

public sealed class SecurityTests
{
    [Test]
    public void Md5Ha1_MatchesRfc2617Example()
    {
        // RFC 2617 §3.5: Mufasa / testrealm@host.com / "Circle Of Life".
        Assert.That(DigestHa1.Md5("Mufasa", "testrealm@host.com", "Circle Of Life"), Is.EqualTo("939e7578ed9e3c518a452acee763bce9"));
    }

    [Test]
    public void Sha256Ha1_YieldsTheRfc7616ExampleResponse()
    {
        // RFC 7616 §3.9.1 gives the final response, so check HA1 through it.
        var ha1 = DigestHa1.Sha256("Mufasa", "http-auth@example.org", "Circle of Life");
        static string H(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var response = H($"{ha1}:7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:00000001:f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ:auth:{H("GET:/dir/index.html")}");
        Assert.That(response, Is.EqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"));
    }

    [Test]
    public void SecretProtector_RoundTripsAndHidesTheSecret()
    {
        var protector = TestKeys.NewProtector();
        var stored = protector.Protect("p@ss'word;--", "trunk:a");
        Assert.That(Encoding.UTF8.GetString(stored), Does.Not.Contain("p@ss'word"));
        Assert.That(protector.Unprotect(stored, "trunk:a"), Is.EqualTo("p@ss'word;--"));
        Assert.That(protector.Protect("p@ss'word;--", "trunk:a"), Is.Not.EqualTo(stored), "a fresh nonce each time");
    }

    [Test]
    public void SecretProtector_RefusesOtherContextOtherKeyAndTampering()
    {
        var protector = TestKeys.NewProtector();
        var stored = protector.Protect("secret", "trunk:a");
        Assert.That(() => protector.Unprotect(stored, "trunk:b"), Throws.InstanceOf<CryptographicException>());
        Assert.That(() => TestKeys.NewProtector().Unprotect(stored, "trunk:a"), Throws.InstanceOf<CryptographicException>());
        stored[^1] ^= 1;
        Assert.That(() => protector.Unprotect(stored, "trunk:a"), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void SecretKey_CreatesAKeyFileOnceAndReadsItBack()
    {
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            var path = Path.Combine(directory.FullName, "sub", "secrets.key");
            var first = SecretKey.Load(null, path);
            Assert.That(first, Has.Length.EqualTo(32));
            Assert.That(SecretKey.Load("", path), Is.EqualTo(first));
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public void SecretKey_RejectsAKeyOfTheWrongLength()
    {
        Assert.That(() => SecretKey.Load(Convert.ToBase64String(new byte[16]), null),
            Throws.InvalidOperationException.With.Message.Contains("32 bytes"));
    }

    [Test]
    public void ApiTokens_AreRandomAndHashedDeterministically()
    {
        var token = ApiTokens.NewToken();
        Assert.That(token, Does.StartWith("dlr_"));
        Assert.That(ApiTokens.NewToken(), Is.Not.EqualTo(token));
        var hash = ApiTokens.Hash(token);
        Assert.That(ApiTokens.Hash(token), Is.EqualTo(hash).And.Length.EqualTo(32));
    }
}
