import { goAtLeast, goVersionParts } from '../../embedded/temporal-server-build';

test('reads go version output and compares with the minimum the server needs', () => {
  expect(goVersionParts('go version go1.26.8 linux/amd64')).toEqual([1, 26, 8]);
  expect(goVersionParts('go version go1.27 linux/amd64')).toEqual([1, 27, 0]);
  expect(goVersionParts('go version go1.27rc1 linux/amd64')).toEqual([1, 27, 0]);
  expect(goVersionParts('no go here')).toBeUndefined();
  const min = [1, 26, 8];
  expect(goAtLeast([1, 26, 8], min)).toBe(true);
  expect(goAtLeast([1, 26, 10], min)).toBe(true);
  expect(goAtLeast([1, 27, 0], min)).toBe(true);
  expect(goAtLeast([1, 26, 7], min)).toBe(false);
  expect(goAtLeast([1, 25, 9], min)).toBe(false);
});
