using System.Runtime.CompilerServices;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// Golden files under Golden/: an output must equal its file byte for byte. After an intended change, run the tests
/// once with DIALER_UPDATE_GOLDEN=1 to rewrite the files in the source tree, then review the diff.
/// </summary>
public static class Golden
{
    public const string UpdateVariable = "DIALER_UPDATE_GOLDEN";

    public static void AssertMatches(string name, string actual, [CallerFilePath] string caller = "")
    {
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(caller)!, "Golden", name), actual);
            TestContext.Out.WriteLine($"Golden/{name} rewritten ({UpdateVariable}=1)");
            return;
        }
        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name));
        Assert.That(actual, Is.EqualTo(expected), $"Golden/{name} differs; if the change is intended, rerun with {UpdateVariable}=1 and review the diff");
    }
}
