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
    public void ReusedNonceCount_IsAReplay_GettingAFreshChallenge_AHigherOneIsAccepted()
    {
        var challenge = _server.Challenge(Realm, DigestAlgorithm.Sha256, false);
        Assert.That(DigestClient.TryAnswer(challenge, "REGISTER", "sip:dialer.example", "1001", "secret-pw", 1, out var first), Is.True);
        Assert.That(_server.Verify(first, "REGISTER", Realm, Ha1, out _), Is.EqualTo(DigestVerdict.Accepted));
        Assert.That(_server.Verify(first, "REGISTER", Realm, Ha1, out _), Is.EqualTo(DigestVerdict.BadNonce), "the same nc again: not a password failure");
        Assert.That(Answer(challenge, "secret-pw", nc: 2), Is.EqualTo(DigestVerdict.Accepted));
    }

    [Test]
    public void OldNonce_WithTheRightPassword_IsStale()
    {
        var challenge = _server.Challenge(Realm, DigestAlgorithm.Md5, false);
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.That(Answer(challenge, "secret-pw"), Is.EqualTo(DigestVerdict.Stale));
        Assert.That(Answer(challenge, "wrong-pw", nc: 2), Is.EqualTo(DigestVerdict.BadNonce), "stale is only for the right password; a wrong one gets a plain challenge");
        Assert.That(_server.Challenge(Realm, DigestAlgorithm.Md5, stale: true), Does.EndWith("stale=true"));
    }

    [Test]
    public void ForgedNonceOrOtherRealm_IsABadNonce_NotAFailedPassword()
    {
        Assert.That(Answer("Digest realm=\"dialer.example\", nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", qop=\"auth\"", "secret-pw"), Is.EqualTo(DigestVerdict.BadNonce));
        var otherServer = new DigestServer(new DigestNonces(RandomNumberGenerator.GetBytes(32), _clock, TimeSpan.FromMinutes(5)));
        Assert.That(Answer(otherServer.Challenge(Realm, DigestAlgorithm.Md5, false), "secret-pw"), Is.EqualTo(DigestVerdict.BadNonce), "another key");
        Assert.That(Answer(_server.Challenge("other.realm", DigestAlgorithm.Md5, false), "secret-pw"), Is.EqualTo(DigestVerdict.BadNonce));
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

    [Test]
    public void ChallengesInTheSameMillisecond_GetDistinctNonces_AndEveryPhonesFirstCountIsAccepted()
    {
        var challenges = Enumerable.Range(0, 1000).Select(_ => _server.Challenge(Realm, DigestAlgorithm.Md5, false)).ToList();
        var nonces = challenges.Select(c => DigestParameters.TryParse(c, out var p) ? p["nonce"] : null).ToList();
        Assert.That(nonces.Distinct().Count(), Is.EqualTo(1000), "a call centre behind one NAT registering at once");
        Assert.That(Answer(challenges[0], "secret-pw"), Is.EqualTo(DigestVerdict.Accepted));
        Assert.That(Answer(challenges[1], "secret-pw"), Is.EqualTo(DigestVerdict.Accepted), "nc=1 on another nonce is no replay");
    }

    [Test]
    public void NonceCounts_WhenFull_ForgetTheOlderHalf_AndAForgottenNonceIsStaleNeverReplayed()
    {
        var server = new DigestServer(new DigestNonces(RandomNumberGenerator.GetBytes(32), _clock, TimeSpan.FromMinutes(5)), maxTrackedNonces: 2, _clock);
        DigestVerdict Try(string challenge, uint nc = 1)
        {
            Assert.That(DigestClient.TryAnswer(challenge, "REGISTER", "sip:dialer.example", "1001", "secret-pw", nc, out var authorization), Is.True);
            return server.Verify(authorization, "REGISTER", Realm, Ha1, out _);
        }
        var first = server.Challenge(Realm, DigestAlgorithm.Md5, false);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var second = server.Challenge(Realm, DigestAlgorithm.Md5, false);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(Try(first), Is.EqualTo(DigestVerdict.Accepted));
        Assert.That(Try(second), Is.EqualTo(DigestVerdict.Accepted));
        Assert.That(Try(server.Challenge(Realm, DigestAlgorithm.Md5, false)), Is.EqualTo(DigestVerdict.Accepted),
            "full of live nonces: a new phone still registers (the older half is forgotten)");
        Assert.That(server.TrackedNonces, Is.EqualTo(2), "still bounded");
        Assert.That(Try(first), Is.EqualTo(DigestVerdict.Stale), "the forgotten nonce's replay is stale, never accepted");
        Assert.That(Try(first, 2), Is.EqualTo(DigestVerdict.Stale), "and its phone is told to take a fresh challenge");
        Assert.That(Try(second), Is.EqualTo(DigestVerdict.BadNonce), "a replay of a remembered nonce is still refused");
        Assert.That(Try(second, 2), Is.EqualTo(DigestVerdict.Accepted));
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.That(Try(server.Challenge(Realm, DigestAlgorithm.Md5, false)), Is.EqualTo(DigestVerdict.Accepted), "stale counts are dropped, a new nonce fits");
        Assert.That(server.TrackedNonces, Is.EqualTo(1));
    }

    [Test]
    public void NonceCounts_ManyPhonesInOneMillisecond_AreNotRefused()
    {
        var server = new DigestServer(new DigestNonces(RandomNumberGenerator.GetBytes(32), _clock, TimeSpan.FromMinutes(5)), maxTrackedNonces: 4, _clock);
        var verdicts = Enumerable.Range(0, 10).Select(i =>
        {
            Assert.That(DigestClient.TryAnswer(server.Challenge(Realm, DigestAlgorithm.Md5, false), "REGISTER", "sip:dialer.example", "1001", "secret-pw", 1, out var authorization), Is.True);
            return server.Verify(authorization, "REGISTER", Realm, Ha1, out _);
        }).ToList();
        // No cutoff can split one millisecond's nonces, so the table overshoots rather than refuse or forget them.
        Assert.That(verdicts, Is.All.EqualTo(DigestVerdict.Accepted));
    }
}
