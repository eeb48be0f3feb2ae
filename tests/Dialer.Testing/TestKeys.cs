using System.Security.Cryptography;
using Dialer.Peers.Security;

namespace Dialer.Testing;

public static class TestKeys
{
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    public static SecretProtector NewProtector() => new(NewKey());
}
