/** Where the shop's page sends its calls and spans; served by the app's own server. */
export interface ShopConfig {
  edgeUrl: string;
  collectorUrl: string;
}

export const SHOP_CONFIG_PATH = '/shop-config.json';

export async function loadShopConfig(): Promise<ShopConfig> {
  const response = await fetch(SHOP_CONFIG_PATH);
  if (!response.ok) throw new Error(`could not load ${SHOP_CONFIG_PATH}: HTTP ${response.status}`);
  return (await response.json()) as ShopConfig;
}
