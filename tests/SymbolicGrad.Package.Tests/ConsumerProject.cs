namespace SymbolicGrad.Package.Tests;

/// <summary>A fresh console project that knows SymbolicGrad only as a package from a local folder feed (dependencies beside it).</summary>
public static class ConsumerProject
{
    /// <summary>Writes nuget.config, the project file and Program.cs into <paramref name="directory"/>.</summary>
    public static void Write(string directory, string feed, string version)
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
        // A private packages folder keeps the test package out of the machine's global cache.
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
                <PackageReference Include="SymbolicGrad" Version="[{version}]" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
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
            """);
    }
}
