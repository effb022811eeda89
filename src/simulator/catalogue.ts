/** One field of a connector's credential form, in the Hub's own shape (STACKONE.md §3). */
export interface ConnectorField {
  key: string;
  label: string;
  type: 'text' | 'password' | 'number' | 'select' | 'text_area';
  required: boolean;
  secret?: boolean;
  placeholder?: string;
  description?: string;
  options?: { label: string; value: string }[];
  validation?: { type: 'html-pattern'; pattern: string; error?: string };
}

export interface Connector {
  provider: string;
  name: string;
  category: string;
  integrationId: string;
  authentication: 'api_key' | 'oauth2';
  fields: ConnectorField[];
  /**
   * How the simulated provider judges credentials: null when they are accepted, otherwise the
   * provider's own error text.
   */
  checkCredentials(credentials: Record<string, string>): string | null;
  logoColour: string;
}

export const catalogue: readonly Connector[] = [
  {
    provider: 'bamboohr',
    name: 'BambooHR',
    category: 'hris',
    integrationId: 'int_bamboohr_api_key',
    authentication: 'api_key',
    logoColour: '#73c41d',
    fields: [
      {
        key: 'subdomain',
        label: 'Subdomain',
        type: 'text',
        required: true,
        secret: false,
        placeholder: 'acme',
        description: 'The part before .bamboohr.com in your BambooHR address.',
        validation: {
          type: 'html-pattern',
          pattern: '^[a-z0-9-]+$',
          error: 'Use lower-case letters, digits and dashes only.',
        },
      },
      {
        key: 'api_key',
        label: 'API key',
        type: 'password',
        required: true,
        description: 'Simulator: any key of 20 or more characters is accepted.',
      },
    ],
    checkCredentials: (c) =>
      (c.api_key ?? '').length >= 20
        ? null
        : 'BambooHR rejected the API key: 401 Unauthorized (invalid API key).',
  },
  {
    provider: 'hubspot',
    name: 'HubSpot',
    category: 'crm',
    integrationId: 'int_hubspot_oauth2',
    authentication: 'oauth2',
    logoColour: '#ff7a59',
    fields: [],
    checkCredentials: () => null,
  },
];

export function findConnector(integrationId: string): Connector | undefined {
  return catalogue.find((c) => c.integrationId === integrationId);
}
