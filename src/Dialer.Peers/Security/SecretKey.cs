using System.Security.Cryptography;

namespace Dialer.Peers.Security;

/// <summary>Where the AES key for trunk secrets comes from: configuration first, else a key file.</summary>
public static class SecretKey
{
    /// <param name="base64Key">Dialer:Secrets:Key, 32 bytes in base64; wins when set.</param>
    /// <param name="keyFile">Dialer:Secrets:KeyFile; created with a random key (mode 600) when missing,
    /// so a development checkout works without setup. Production sets the key or provides the file.</param>
    public static byte[] Load(string? base64Key, string? keyFile)
    {
        if (!string.IsNullOrWhiteSpace(base64Key))
        {
            return Decode(base64Key, "Dialer:Secrets:Key");
        }
        if (string.IsNullOrWhiteSpace(keyFile))
        {
            throw new InvalidOperationException("set Dialer:Secrets:Key or Dialer:Secrets:KeyFile to encrypt trunk secrets");
        }
        if (File.Exists(keyFile))
        {
            return Decode(File.ReadAllText(keyFile).Trim(), keyFile);
        }
        var key = RandomNumberGenerator.GetBytes(32);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using var writer = new StreamWriter(keyFile, options);
            writer.WriteLine(Convert.ToBase64String(key));
            return key;
        }
        catch (IOException) when (File.Exists(keyFile))
        {
            // Another process created it first: use theirs, or secrets written by one would not open in the other.
            return Decode(File.ReadAllText(keyFile).Trim(), keyFile);
        }
    }

    private static byte[] Decode(string text, string source)
    {
        Span<byte> key = stackalloc byte[64];
        if (!Convert.TryFromBase64String(text, key, out var written) || written != 32)
        {
            throw new InvalidOperationException($"{source} must hold 32 bytes in base64 (openssl rand -base64 32)");
        }
        return key[..32].ToArray();
    }
}
