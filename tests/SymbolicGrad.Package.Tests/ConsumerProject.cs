namespace SymbolicGrad.Package.Tests;

/// <summary>A fresh console project that knows SymbolicGrad's packages only from a local folder feed (dependencies beside them).</summary>
public static class ConsumerProject
{
    /// <summary>Uses the runtime package alone: prints the generated gradients of two lecture functions.</summary>
    public const string CoreProgram = """
        using System.Globalization;
        using SymbolicGrad;

        double f = Lecture.AddMultiplyGradient(-2.0, 5.0, -4.0, out double dX, out double dY, out double dZ);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"AddMultiply {f:R} {dX:R} {dY:R} {dZ:R}"));
        double g = Lecture.GaborGradient(3.0, 0.5, 1.5, out double dPhi0, out double dPhi1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Gabor {g:R} {dPhi0:R} {dPhi1:R}"));

        static partial class Lecture
        {
            [Differentiable]
            public static double AddMultiply(double x, double y, double z) => (x + y) * z;

            [Differentiable]
            public static double Gabor([NoDiff] double x, double phi0, double phi1)
            {
                double z = phi0 + 0.06 * phi1 * x;
                return Math.Sin(z) * Math.Exp(-(z * z) / 32.0);
            }
        }
        """;

    /// <summary>A [Differentiable] method in a type that is not partial: the analyzer's SG0001 fails the build.</summary>
    public const string NotPartialProgram = """
        using SymbolicGrad;

        System.Console.WriteLine(Plain.Square(2.0));

        static class Plain
        {
            [Differentiable]
            public static double Square(double x) => x * x;
        }
        """;

    /// <summary>
    /// Uses the console package: trains a model (generated gradient, so the analyzer arrives through the console
    /// package's dependency) with automatic console progress, then with the live bar drawn into a string. Code under a
    /// namespace SymbolicGrad.… calls System.Console unqualified: the package adds no namespace that would hide it.
    /// </summary>
    public const string ConsoleProgram = """
        using SymbolicGrad;
        using static SymbolicGrad.Ops;

        namespace SymbolicGrad.Consumer;

        public sealed partial class Line : Model
        {
            readonly Mat W; readonly Vec b;

            public Line() { W = Parameters.Matrix(1, 2, Init.Xavier(1)); b = Parameters.Vector(1); }

            [Differentiable]
            public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Mse(W * x + b, target);
        }

        public static class Program
        {
            public static void Main()
            {
                var data = new Dataset([0, 0, 0, 1, 1, 0, 1, 1], featureCount: 2, [1, 3, 2, 4], targetCount: 1);
                // Output is redirected by the test: Auto picks plain lines.
                new Trainer(new Line(), new Sgd(0.1f), new TrainerOptions { Progress = ConsoleProgress.Auto() }).Fit(data, epochs: 2, batchSize: 4);
                var drawn = new StringWriter();
                new Trainer(new Line(), new Sgd(0.1f), new TrainerOptions { Progress = new LiveConsoleProgress(drawn) }).Fit(data, epochs: 1, batchSize: 4);
                Console.WriteLine(drawn.ToString().Contains("epoch 1/1 ") && drawn.ToString().Contains('\u001b') ? "live bar drawn" : "no live bar: " + drawn);
            }
        }
        """;

    /// <summary>Writes nuget.config, the project file referencing <paramref name="packages"/> and Program.cs into <paramref name="directory"/>.</summary>
    public static void Write(string directory, string feed, IEnumerable<(string Id, string Version)> packages, string program)
    {
        Directory.CreateDirectory(directory);
        // <clear/>: the folder feed is the only source, so nothing can come from anywhere else.
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        string references = string.Join("\n", packages.Select(p => $"""    <PackageReference Include="{p.Id}" Version="[{p.Version}]" />"""));
        // A private packages folder keeps the test packages out of the machine's global cache.
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>$(MSBuildProjectDirectory)/packages</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
    }
}
