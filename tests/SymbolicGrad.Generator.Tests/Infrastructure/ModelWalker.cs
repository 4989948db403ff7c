using System.Reflection;
using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>
/// Walks an object graph through its fields and finds Roslyn types a cached pipeline model must never hold:
/// they keep compilations alive and break equality, so every edit would re-run every step.
/// </summary>
internal static class ModelWalker
{
    private static readonly Type[] Banned =
    [
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Compilation), typeof(Location),
    ];

    private const BindingFlags InstanceMembers =
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>Paths (e.g. <c>root.Method.Parameters[0]</c>) of every banned field, property or value reachable from <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> FindBanned(object? root)
    {
        var found = new List<string>();
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, "root", found, visited, depth: 0);
        return found;
    }

    private static void Walk(object? value, string path, List<string> found, HashSet<object> visited, int depth)
    {
        if (value is null || depth > 64)
            return;
        var type = value.GetType();
        if (IsBanned(type))
        {
            found.Add($"{path}: {type.FullName}");
            return;
        }
        if (type.IsPrimitive || type.IsEnum || value is string || value is decimal || value is MemberInfo)
            return;
        if (value is Delegate d)
        {
            // A closure could capture a symbol: walk what it captured, not the delegate's runtime internals.
            Walk(d.Target, path + ".Target", found, visited, depth + 1);
            return;
        }
        if (!type.IsValueType && !visited.Add(value))
            return;

        if (value is Array array)
        {
            CheckDeclared(type.GetElementType()!, path + "[]", found);
            var i = 0;
            foreach (var item in array)
                Walk(item, $"{path}[{i++}]", found, visited, depth + 1);
            return;
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var property in t.GetProperties(InstanceMembers))
                CheckDeclared(property.PropertyType, $"{path}.{property.Name}", found);
            foreach (var field in t.GetFields(InstanceMembers))
            {
                CheckDeclared(field.FieldType, $"{path}.{field.Name}", found);
                Walk(field.GetValue(value), $"{path}.{field.Name}", found, visited, depth + 1);
            }
        }
    }

    /// <summary>Flags a declared type that is banned or a generic/array over a banned type, even when the value is null.</summary>
    private static void CheckDeclared(Type declared, string path, List<string> found)
    {
        if (Mentions(declared))
            found.Add($"{path}: declared {declared}");
    }

    private static bool Mentions(Type type) =>
        IsBanned(type)
        || (type.HasElementType && Mentions(type.GetElementType()!))
        || (type.IsGenericType && type.GetGenericArguments().Any(Mentions));

    private static bool IsBanned(Type type) =>
        !type.IsGenericParameter && Banned.Any(b => b.IsAssignableFrom(type));

}
