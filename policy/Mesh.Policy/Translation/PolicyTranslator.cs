using Mesh.Kubernetes.Objects;

namespace Mesh.Policy.Translation;

/// <summary>Dispatches a policy object to its translator; null for kinds that are not policies.</summary>
internal static class PolicyTranslator
{
    public static TranslationResult? Translate(IKubeObject policy, PolicyEngineOptions options) => policy switch
    {
        CiliumNetworkPolicy cnp => CiliumPolicyTranslator.Translate(cnp, options),
        CiliumClusterwideNetworkPolicy ccnp => CiliumPolicyTranslator.Translate(ccnp, options),
        NetworkPolicy knp => NetworkPolicyTranslator.Translate(knp, options),
        _ => null,
    };
}
