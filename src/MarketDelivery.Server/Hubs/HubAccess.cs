using System.Reflection;
using MarketDelivery.Server.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace MarketDelivery.Server.Hubs;

/// <summary>
/// A hub method's access rule: the policy of <see cref="AuthPolicies"/> and, for a scope policy, the argument that
/// names the scope (a stall, order, market or courier id), checked like the route value of the HTTP API.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class HubAccessAttribute(string policy, string? scopeArgument = null) : Attribute
{
    public string Policy { get; } = policy;

    public string? ScopeArgument { get; } = scopeArgument;
}

/// <summary>
/// Runs each hub method's <see cref="HubAccessAttribute"/> rule before the method; a method without one is refused,
/// so a new hub method cannot go out unguarded. A refusal is a hub error that says so, and the method does not run.
/// </summary>
public sealed class HubAccessFilter(IAuthorizationService authorization) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var method = invocationContext.HubMethod;
        var rule = method.GetCustomAttribute<HubAccessAttribute>()
                   ?? throw new HubException($"{method.Name} has no access rule.");
        var scope = new RouteValueDictionary();
        if (rule.ScopeArgument is { } name)
        {
            var index = Array.FindIndex(method.GetParameters(), p => p.Name == name);
            scope[name] = index >= 0 ? invocationContext.HubMethodArguments[index] as string : null;
        }

        var user = invocationContext.Context.User ?? new System.Security.Claims.ClaimsPrincipal();
        if (!(await authorization.AuthorizeAsync(user, scope, rule.Policy)).Succeeded)
        {
            var what = rule.ScopeArgument is null ? "" : $" for {rule.ScopeArgument} '{scope[rule.ScopeArgument]}'";
            throw new HubException($"Not allowed: {method.Name}{what} needs {rule.Policy}.");
        }

        return await next(invocationContext);
    }
}
