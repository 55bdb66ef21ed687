from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    # Every claim in the ID token and userinfo, whatever the scope: a test IdP.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        # The test encodes "this IdP did not verify the address" as last_name "unverified".
        return {
            "email": user.email,
            "email_verified": user.last_name != "unverified",
            "given_name": user.first_name,
            "preferred_username": user.username,
        }
