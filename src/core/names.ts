/** Random readable run names, `adjective-noun-NNN` like MLflow's. */
const ADJECTIVES = [
  'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'dapper', 'eager', 'fancy', 'gentle', 'glad', 'grand',
  'honest', 'jolly', 'keen', 'kind', 'lively', 'lucky', 'merry', 'mighty', 'nimble', 'polite', 'proud', 'quick', 'quiet',
  'rare', 'sharp', 'shy', 'silent', 'sleek', 'smooth', 'steady', 'sunny', 'swift', 'tidy', 'vast', 'warm', 'wise', 'zesty',
];
const NOUNS = [
  'ant', 'bass', 'bat', 'bear', 'bee', 'bird', 'carp', 'cat', 'colt', 'crab', 'crow', 'deer', 'dove', 'duck', 'eel',
  'elk', 'finch', 'fox', 'frog', 'goat', 'hare', 'hawk', 'heron', 'horse', 'koi', 'lark', 'lynx', 'mole', 'moth', 'newt',
  'owl', 'panda', 'pike', 'quail', 'ram', 'seal', 'shrew', 'snail', 'toad', 'wolf',
];

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;

/** @example randomRunName() // 'swift-heron-417' */
export function randomRunName(random: () => number = Math.random): string {
  return `${pick(ADJECTIVES, random)}-${pick(NOUNS, random)}-${Math.floor(random() * 1000)}`;
}
