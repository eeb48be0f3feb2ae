using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Dialer.Peers.Storage;

/// <summary>One numbered file of sql/ ("001_schema.sql"), with the checksum recorded once it is applied.</summary>
public sealed partial record MigrationScript(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the text with line endings folded, so a checkout with CRLF is not "edited".</summary>
    public string Checksum { get; } =
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.Replace("\r\n", "\n", StringComparison.Ordinal))));

    /// <summary>The migrations compiled into this build (sql/*.sql as embedded resources).</summary>
    public static IReadOnlyList<MigrationScript> Embedded()
    {
        var assembly = typeof(MigrationScript).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("sql/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(From(resource["sql/".Length..], reader.ReadToEnd()));
        }
        return Ordered(scripts);
    }

    public static IReadOnlyList<MigrationScript> FromDirectory(string directory) =>
        Ordered(Directory.GetFiles(directory, "*.sql").Select(path => From(Path.GetFileName(path), File.ReadAllText(path))));

    private static MigrationScript From(string fileName, string sql)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new MigrationException($"sql/{fileName}: migration files are named NNN_description.sql");
        }
        return new MigrationScript(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), fileName, sql);
    }

    private static List<MigrationScript> Ordered(IEnumerable<MigrationScript> scripts)
    {
        var list = scripts.OrderBy(s => s.Version).ToList();
        var duplicate = list.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MigrationException($"two migrations share number {duplicate.Key}: {string.Join(", ", duplicate.Select(s => s.Name))}");
        }
        return list;
    }

    [GeneratedRegex(@"^(\d{3,})_[A-Za-z0-9_\-]+\.sql$")]
    private static partial Regex FileNamePattern();
}
