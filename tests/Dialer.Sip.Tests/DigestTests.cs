using Dialer.Testing;
using System.Security.Cryptography;
using Dialer.Sip.Auth;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

public sealed class DigestTests
{
    private const string Realm = "dialer.example";
    private ManualTimeProvider _clock = null!;
    private DigestServer _server = null!;

    [SetUp]
    public void CreateServer()
    {
        _clock = new ManualTimeProvider();
        _server = new DigestServer(new DigestNonces(RandomNumberGenerator.GetBytes(32), _clock, TimeSpan.FromMinutes(5)));
    }

    private static string? Ha1(string user, DigestAlgorithm algorithm) =>
        user == "1001" ? DigestAlgorithms.Hash(algorithm, $"1001:{Realm}:secret-pw") : null;

    private DigestVerdict Answer(string challenge, string password, uint nc = 1, string user = "1001", string method = "REGISTER")
    {
        Assert.That(DigestClient.TryAnswer(challenge, method, "sip:dialer.example", user, password, nc, out var authorization), Is.True);
        return _server.Verify(authorization, method, Realm, Ha1, out _);
    }

    [TestCase(DigestAlgorithm.Md5)]
    [TestCase(DigestAlgorithm.Sha256)]
    public void RightPassword_IsAccepted_WrongIsRejected(DigestAlgorithm algorithm)
    {
        var challenge = _server.Challenge(Realm, algorithm, stale: false);
        Assert.That(challenge, Does.Contain($"algorithm={DigestAlgorithms.NameOf(algorithm)}").And.Contain("qop=\"auth\""));
        Assert.That(Answer(challenge, "secret-pw"), Is.EqualTo(DigestVerdict.Accepted));
        Assert.That(Answer(_server.Challenge(Realm, algorithm, false), "wrong-pw"), Is.EqualTo(DigestVerdict.Rejected));
        Assert.That(Answer(_server.Challenge(Realm, algorithm, false), "secret-pw", user: "9999"), Is.EqualTo(DigestVerdict.Rejected));
    }

    [Test]
    public void Challenges_OfferSha256First()
    {
        var challenges = _server.Challenges(Realm, stale: false);
        Assert.That(challenges[0], Does.Contain("SHA-256"));
        Assert.That(challenges[1], Does.Contain("MD5"));
    }

    [Test]
    public void ReusedNonceCount_IsARejectedReplay_AHigherOneIsAccepted()
    {
        var challenge = _server.Challenge(Realm, DigestAlgorithm.Sha256, false);
        Assert.That(DigestClient.TryAnswer(challenge, "REGISTER", "sip:dialer.example", "1001", "secret-pw", 1, out var first), Is.True);
        Assert.That(_server.Verify(first, "REGISTER", Realm, Ha1, out _), Is.EqualTo(DigestVerdict.Accepted));
        Assert.That(_server.Verify(first, "REGISTER", Realm, Ha1, out _), Is.EqualTo(DigestVerdict.Rejected), "the same nc again");
        Assert.That(Answer(challenge, "secret-pw", nc: 2), Is.EqualTo(DigestVerdict.Accepted));
    }

    [Test]
    public void OldNonce_WithTheRightPassword_IsStale()
    {
        var challenge = _server.Challenge(Realm, DigestAlgorithm.Md5, false);
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.That(Answer(challenge, "secret-pw"), Is.EqualTo(DigestVerdict.Stale));
        Assert.That(Answer(challenge, "wrong-pw", nc: 2), Is.EqualTo(DigestVerdict.Rejected), "stale is only for the right password");
        Assert.That(_server.Challenge(Realm, DigestAlgorithm.Md5, stale: true), Does.EndWith("stale=true"));
    }

    [Test]
    public void ForgedNonceOrOtherRealm_IsRejected()
    {
        Assert.That(Answer("Digest realm=\"dialer.example\", nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", qop=\"auth\"", "secret-pw"), Is.EqualTo(DigestVerdict.Rejected));
        var otherServer = new DigestServer(new DigestNonces(RandomNumberGenerator.GetBytes(32), _clock, TimeSpan.FromMinutes(5)));
        Assert.That(Answer(otherServer.Challenge(Realm, DigestAlgorithm.Md5, false), "secret-pw"), Is.EqualTo(DigestVerdict.Rejected), "another key");
        Assert.That(Answer(_server.Challenge("other.realm", DigestAlgorithm.Md5, false), "secret-pw"), Is.EqualTo(DigestVerdict.Rejected));
    }

    [TestCase("Basic dXNlcjpwYXNz")]
    [TestCase("Digest username=\"1001\"")]
    [TestCase("Digest username=\"1001\", realm=\"dialer.example\", nonce=\"x\", uri=\"sip:a\", response=\"00\", algorithm=SHA-512-256")]
    [TestCase("Digest username=\"1001\", realm=\"dialer.example\", nonce=\"x\", uri=\"sip:a\", response=\"00\"")]
    [TestCase("Digest username=\"unterminated")]
    [TestCase("")]
    public void MalformedCredentials_AreMalformed(string credentials)
    {
        Assert.That(_server.Verify(credentials, "REGISTER", Realm, Ha1, out _), Is.EqualTo(DigestVerdict.Malformed));
    }

    [Test]
    public void Parameters_ReadQuotedEscapesAndTokens()
    {
        Assert.That(DigestParameters.TryParse("Digest realm=\"a \\\"b\\\" c\", qop=\"auth,auth-int\", algorithm=MD5,stale=TRUE", out var p), Is.True);
        Assert.That(p["realm"], Is.EqualTo("a \"b\" c"));
        Assert.That(p["qop"], Is.EqualTo("auth,auth-int"));
        Assert.That(p["ALGORITHM"], Is.EqualTo("MD5"));
        Assert.That(p["stale"], Is.EqualTo("TRUE"));
    }
}
