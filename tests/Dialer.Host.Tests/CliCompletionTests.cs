using System.Diagnostics;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// etc/dialer.bash-completion is valid bash and offers only verbs and options the executable has; every verb's --help
/// says what it does and gives an example.
/// </summary>
public sealed partial class CliCompletionTests
{
    private static readonly string s_script = Path.Combine(Root(), "etc", "dialer.bash-completion");

    [Test]
    public async Task CompletionScript_IsValidBash()
    {
        var check = await BashAsync("-n", s_script);
        Assert.That(check.ExitCode, Is.Zero, check.Error);
    }

    [Test]
    public async Task EveryVerbInTheCompletion_IsInDialerHelp()
    {
        var script = await File.ReadAllTextAsync(s_script);
        var verbs = VerbsLine().Match(script).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(verbs, Does.Contain("registrations").And.Contain("channels").And.Contain("calls"));
        var help = await DialerCli.RunAsync(new Dictionary<string, string>(), "--help");
        var listed = HelpCommand().Matches(help.Output).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.That(verbs, Is.EquivalentTo(listed), "the completion's verbs are exactly `dialer --help`'s commands");
    }

    [TestCase("", "channels")]
    [TestCase("phone ", "update")]
    [TestCase("phone update 1001 --pa", "--password-stdin")]
    [TestCase("token ", "revoke")]
    [TestCase("trunk show carrier-a --", "--token-file")]
    public async Task Completion_OffersTheVerbsAndOptions(string typed, string offered)
    {
        var words = ("dialer " + typed).Split(' ');
        var array = string.Join(' ', words.Select(w => $"'{w}'"));
        var program = $"source '{s_script}'; COMP_WORDS=({array}); COMP_CWORD={words.Length - 1}; _dialer; printf '%s\\n' \"${{COMPREPLY[@]}}\"";
        var result = await BashAsync("-c", program);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output.Split('\n'), Does.Contain(offered));
    }

    /// <summary>Every option the completion offers for a verb exists in that verb's --help.</summary>
    [TestCase("phone update", "--active --password-stdin --display-name --codecs --max-contacts --outbound-trunks --caller-id --digest-algorithms")]
    [TestCase("phone add", "--extension --password-stdin")]
    [TestCase("trunk show", "--api --token-file --json")]
    [TestCase("calls", "--api --token-file --json")]
    public async Task CompletionOptions_ExistInTheVerbsHelp(string verb, string options)
    {
        var help = await DialerCli.RunAsync(new Dictionary<string, string>(), [.. verb.Split(' '), "--help"]);
        foreach (var option in options.Split(' '))
        {
            Assert.That(help.Output, Does.Contain(option + " ").Or.Contain(option + "\n"), option);
        }
    }

    /// <summary>Every verb and verb group, found from `dialer --help` down through each group's commands.</summary>
    [Test]
    public async Task EveryVerbsHelp_DescribesItAndGivesAnExample()
    {
        var walked = new List<string>();
        var pending = new Queue<string[]>([[]]);
        while (pending.TryDequeue(out var path))
        {
            var name = string.Join(' ', ["dialer", .. path]);
            walked.Add(name);
            var help = await DialerCli.RunAsync(new Dictionary<string, string>(), [.. path, "--help"]);
            Assert.That(help.ExitCode, Is.Zero, $"{name} --help: {help.Error}");
            var description = Section(help.Output, "Description:").Select(l => l.Trim()).ToList();
            Assert.That(description, Is.Not.Empty, $"{name} has a description");
            Assert.That(description[0], Does.Not.StartWith("Example:"), $"{name}'s description says what it does");
            Assert.That(description, Has.Some.Match("^Example: .*" + Regex.Escape(name) + @"\b"), $"{name} has an example of itself");
            foreach (var command in Section(help.Output, "Commands:").Select(l => HelpCommand().Match(l)).Where(m => m.Success))
            {
                pending.Enqueue([.. path, command.Groups[1].Value]);
            }
        }
        Assert.That(walked, Does.Contain("dialer phone update").And.Contain("dialer campaign run").And.Contain("dialer token revoke")
            .And.Contain("dialer export kamailio").And.Contain("dialer registrations"), "the walk went down into the groups");
    }

    /// <summary>The lines under a heading of `--help`, up to the next blank line.</summary>
    private static List<string> Section(string help, string heading) =>
        [.. help.Split('\n').SkipWhile(l => l.TrimEnd() != heading).Skip(1).TakeWhile(l => l.Trim().Length > 0)];

    [GeneratedRegex("local verbs=\"([^\"]+)\"")]
    private static partial Regex VerbsLine();

    // A command line of `--help`: "  phone  ...", "  update <extension>  ...".
    [GeneratedRegex(@"^  ([a-z]+)(?: <[a-z-]+>)*\s{2,}", RegexOptions.Multiline)]
    private static partial Regex HelpCommand();

    private static async Task<DialerCli.Result> BashAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new DialerCli.Result(process.ExitCode, await output, await error);
    }

    private static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dialer.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("no Dialer.sln above the test binaries");
    }
}
