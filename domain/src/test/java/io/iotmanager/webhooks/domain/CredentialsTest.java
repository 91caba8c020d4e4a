package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CredentialsTest {
  @ParameterizedTest(name = "{0} secret={1}")
  @CsvSource({
      "connection_string,true", "aws.secret_access_key,true", "aws.access_key_id,false", "aws.region,false",
      "aws.device_policy_document,false", "api_key,true", "AWS.Secret_Access_Key,true", "password,true",
      "x.refresh_token,true", "type,false", "keys.region,false", "description,false"})
  void secretFieldsAreNamedByTheirLastSegment(String name, boolean secret) {
    assertEquals(secret, Credentials.isSecretField(name));
  }

  @Test
  void secretOpaqueFieldsDoNotPrint() {
    Credentials sas = new Credentials(CredentialType.SAS, Optional.empty(),
        Map.of("connection_string", "HostName=h;SharedAccessKey=c2VjcmV0", "aws.region", "eu-west-1"));
    String text = sas.toString();
    assertFalse(text.contains("c2VjcmV0"), text);
    assertTrue(text.contains("connection_string=<omitted>"), text);
    assertTrue(text.contains("aws.region=eu-west-1"), text);
    Credentials http = Credentials.http(new HttpCredentials(java.net.URI.create("https://x/"),
        Optional.of(WebhookSecret.fromHex("deadbeef"))));
    assertFalse(http.toString().contains("deadbeef"), http.toString());
  }
}
