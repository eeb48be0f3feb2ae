using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Dialer.Host.WebConsole;

/// <summary>
/// The web console's files, embedded in the dialer assembly (EmbeddedResource with LogicalName console/PATH), so
/// `dotnet dialer.dll` from any working directory and a self-contained publish serve the same bytes with no wwwroot.
/// </summary>
public sealed class ConsoleAssets
{
    private const string Prefix = "console/";

    private static readonly FrozenDictionary<string, string> s_types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, ConsoleAsset> _assets;

    private ConsoleAssets(FrozenDictionary<string, ConsoleAsset> assets) => _assets = assets;

    /// <summary>Every path the console serves, relative to /admin/.</summary>
    public IEnumerable<string> Paths => _assets.Keys;

    public static ConsoleAssets Load(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var assets = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            // Backslashes appear when the assembly was built on Windows (%(RecursiveDir) uses the OS separator).
            var path = name[Prefix.Length..].Replace('\\', '/');
            var type = s_types.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\"";
            assets[path] = new ConsoleAsset(path, content, type, etag);
        }
        return new ConsoleAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <param name="path">The path below /admin/; empty for the sign-in and application page.</param>
    public ConsoleAsset? Find(string path) => _assets.GetValueOrDefault(path.Length == 0 ? "index.html" : path);
}

/// <summary>One embedded console file with its media type and a strong ETag over its bytes.</summary>
public sealed record ConsoleAsset(string Path, byte[] Content, string ContentType, string ETag);
